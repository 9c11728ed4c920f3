package io.meridian.boot;

import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs a round of background work every interval while the application runs: the gateway's
 * region polls and health checks, anything that asks a remote party on a fixed beat.
 *
 * <p>Design note: the first round starts one interval after {@link #start()} (what it polls
 * usually starts alongside), then one per interval tick on the given scheduler. Rounds never
 * overlap: while a round runs, one tick waits for it and the others are dropped, so a slow remote
 * party costs rounds, never a backlog of them. A round that fails is logged and the next
 * tick runs another: the poll never stops silently. A round is a {@link Publisher} subscribed
 * anew on each tick; work that blocks belongs on a scheduler made for it (a non-blocking round on
 * {@code Schedulers.parallel()}).
 */
public final class PeriodicLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicLifecycle.class);

    private final String name;
    private final Duration interval;
    private final Scheduler scheduler;
    private final Supplier<? extends Publisher<?>> round;
    private @Nullable Disposable schedule;

    /**
     * Creates the lifecycle, stopped.
     *
     * @param name      what the rounds do, for the log ("Dashboard poll")
     * @param interval  time between two ticks, positive
     * @param scheduler where the ticks fire
     * @param round     one round of work, asked for on each tick
     * @throws IllegalArgumentException when the interval is not positive
     */
    public PeriodicLifecycle(String name, Duration interval, Scheduler scheduler, Supplier<? extends Publisher<?>> round) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(name + " interval must be positive, but was " + interval);
        }
        this.name = name;
        this.interval = interval;
        this.scheduler = scheduler;
        this.round = round;
    }

    @Override
    public synchronized void start() {
        if (schedule != null) {
            return;
        }
        schedule = Flux.interval(interval, interval, scheduler)
                .onBackpressureDrop()
                .concatMap(tick -> Mono.defer(() -> Flux.from(round.get()).then()).onErrorResume(failure -> {
                    log.warn("{} failed; trying again on the next tick", name, failure);
                    return Mono.empty();
                }), 1)
                .subscribe();
    }

    @Override
    public synchronized void stop() {
        Disposable running = schedule;
        if (running != null) {
            running.dispose();
            schedule = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return schedule != null;
    }

    @Override
    public String toString() {
        return name + " every " + interval;
    }
}
