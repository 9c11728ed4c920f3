package io.meridian.taskserver.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Decides how many workers a pool runs, between its minimum and maximum, from its backlog.
 *
 * <p>Design note: demand is the tasks running plus the tasks that may run now, clamped to
 * [min, max]. The pool grows to demand at once, because a waiting task costs a client latency
 * while an idle worker costs a virtual thread. It shrinks only after demand has stayed below its
 * size for {@code scaleDownDelay}, and then to the highest demand seen in that time, so a queue
 * that empties between bursts keeps its workers (no flapping) and a pool never shrinks below the
 * work it is doing. Time is the injected clock's, so tests advance it instead of waiting. Workers
 * are slots, not threads: each task runs on its own virtual thread, so shrinking never interrupts
 * a running task; it only stops new ones from starting until the running ones fit.
 *
 * <p>Not thread-safe: the pool calls it under its own lock.
 */
final class Autoscaler {

    private int min;

    private int max;

    private final Duration scaleDownDelay;

    private final Clock clock;

    private final ScalingHold hold;

    private int current;

    private @Nullable Instant lowSince;

    private int peakWhileLow;

    Autoscaler(int min, int max, Duration scaleDownDelay, Clock clock) {
        this(min, max, scaleDownDelay, clock, ScalingHold.NEVER);
    }

    /**
     * @param hold while held, the pool does not grow (see {@link ScalingHold})
     */
    Autoscaler(int min, int max, Duration scaleDownDelay, Clock clock, ScalingHold hold) {
        this.hold = hold;
        check(min, max);
        this.min = min;
        this.max = max;
        this.scaleDownDelay = scaleDownDelay;
        this.clock = clock;
        this.current = min;
    }

    /**
     * Resizes the pool for the present demand.
     *
     * @param running tasks running now
     * @param ready   tasks that may run now and wait for a worker
     * @return the number of workers the pool should run now
     */
    int resize(int running, int ready) {
        int demand = Math.clamp((long) running + ready, min, max);
        if (demand > current && current >= min && hold.held()) {
            // Held at the spend ceiling: no new workers; shrinking goes on as usual below.
            demand = current;
        }
        if (demand >= current) {
            current = demand;
            lowSince = null;
            return current;
        }
        Instant now = clock.instant();
        if (lowSince == null) {
            lowSince = now;
            peakWhileLow = demand;
        }
        else {
            peakWhileLow = Math.max(peakWhileLow, demand);
        }
        if (!now.isBefore(lowSince.plus(scaleDownDelay))) {
            current = peakWhileLow;
            lowSince = null;
        }
        return current;
    }

    /**
     * New bounds, from an operator: the pool moves into them at once (growing to the new minimum,
     * or shrinking to the new maximum without interrupting running tasks).
     */
    void bounds(int min, int max) {
        check(min, max);
        this.min = min;
        this.max = max;
        this.current = Math.clamp(current, min, max);
        this.lowSince = null;
    }

    static void check(int min, int max) {
        if (min < 1 || min > max) {
            throw new IllegalArgumentException("workers must satisfy 1 <= min <= max, but min was " + min
                    + " and max " + max);
        }
    }

    int current() {
        return current;
    }

    int min() {
        return min;
    }

    int max() {
        return max;
    }
}
