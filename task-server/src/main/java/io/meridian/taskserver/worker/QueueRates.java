package io.meridian.taskserver.worker;

import io.meridian.taskserver.queue.QueueStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A queue's outcomes per second over the last minute, for {@code GET /v1/queues}.
 *
 * <p>Design note: the pool passes in the queue's counts on every dispatch; one sample per second
 * at most is kept, for {@link #WINDOW}. A rate is the difference between the newest and the
 * oldest sample over the time between them, so it needs no timer and costs nothing between
 * dispatches. With Redis the counts are the region's, so every replica reports the region's
 * rates. Time is the injected clock's.
 */
final class QueueRates {

    /** How far back the rates look. */
    static final Duration WINDOW = Duration.ofMinutes(1);

    private static final Duration SPACING = Duration.ofSeconds(1);

    private final Deque<Sample> samples = new ArrayDeque<>();

    private final Clock clock;

    QueueRates(Clock clock) {
        this.clock = clock;
    }

    /** Takes a sample of the queue's counts, unless one was taken less than a second ago. */
    synchronized void record(QueueStats stats) {
        Instant now = clock.instant();
        Sample newest = samples.peekLast();
        if (newest != null && now.isBefore(newest.at.plus(SPACING))) {
            return;
        }
        samples.addLast(new Sample(now, stats.completed(), stats.failed(), stats.retried(), stats.deadLettered()));
        while (samples.size() > 2 && !samples.peekFirst().at.isAfter(now.minus(WINDOW))) {
            samples.removeFirst();
        }
    }

    /** The rates now; zero until two samples a second apart exist. */
    synchronized Rates rates() {
        Sample oldest = samples.peekFirst();
        Sample newest = samples.peekLast();
        if (oldest == null || oldest == newest) {
            return new Rates(0, 0, 0, 0);
        }
        double seconds = Duration.between(oldest.at, newest.at).toMillis() / 1000.0;
        return new Rates(perSecond(newest.completed - oldest.completed, seconds),
                perSecond(newest.failed - oldest.failed, seconds), perSecond(newest.retried - oldest.retried, seconds),
                perSecond(newest.deadLettered - oldest.deadLettered, seconds));
    }

    /** Rounded to hundredths; a count that went down (Redis lost its data) reads as zero. */
    private static double perSecond(long delta, double seconds) {
        return Math.round(Math.max(0, delta) / seconds * 100) / 100.0;
    }

    /**
     * Outcomes per second over the last minute.
     *
     * @param completed    tasks that succeeded
     * @param failed       tasks that failed without retry
     * @param retried      attempts that failed and were queued again
     * @param deadLettered tasks whose every attempt failed
     */
    record Rates(double completed, double failed, double retried, double deadLettered) {
    }

    private record Sample(Instant at, long completed, long failed, long retried, long deadLettered) {
    }
}
