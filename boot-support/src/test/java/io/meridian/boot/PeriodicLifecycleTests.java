package io.meridian.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Driven by a virtual-time scheduler: the ticks fire when the test advances the time. */
class PeriodicLifecycleTests {

    static final Duration INTERVAL = Duration.ofSeconds(2);

    final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    final AtomicInteger rounds = new AtomicInteger();

    @AfterEach
    void disposeTime() {
        time.dispose();
    }

    PeriodicLifecycle counting() {
        return new PeriodicLifecycle("Test poll", INTERVAL, time, () -> Mono.fromRunnable(rounds::incrementAndGet));
    }

    @Test
    void theFirstRoundRunsOneIntervalAfterStartThenOnePerInterval() {
        PeriodicLifecycle lifecycle = counting();
        lifecycle.start();

        time.advanceTimeBy(INTERVAL.minusMillis(1));
        assertThat(rounds).hasValue(0);
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(rounds).hasValue(1);
        time.advanceTimeBy(INTERVAL.multipliedBy(3));
        assertThat(rounds).hasValue(4);
        assertThat(lifecycle.isRunning()).isTrue();
    }

    @Test
    void aRoundStillRunningHoldsOneTickForLaterAndDropsTheRest() {
        Sinks.Empty<Void> slow = Sinks.empty();
        PeriodicLifecycle lifecycle = new PeriodicLifecycle("Test poll", INTERVAL, time, () -> {
            rounds.incrementAndGet();
            return rounds.get() == 1 ? slow.asMono() : Mono.empty();
        });
        lifecycle.start();

        time.advanceTimeBy(INTERVAL.multipliedBy(5));
        assertThat(rounds).as("the first round has not ended").hasValue(1);

        slow.tryEmitEmpty();
        assertThat(rounds).as("the one tick held while it ran").hasValue(2);
        time.advanceTimeBy(INTERVAL);
        assertThat(rounds).as("then the next tick, not the three that were dropped").hasValue(3);
    }

    @Test
    void aFailedRoundIsFollowedByTheNextOne() {
        PeriodicLifecycle lifecycle = new PeriodicLifecycle("Test poll", INTERVAL, time, () -> {
            if (rounds.incrementAndGet() == 1) {
                throw new IllegalStateException("the first round fails before it starts");
            }
            return rounds.get() == 2 ? Mono.error(new IllegalStateException("the second fails on its way")) : Mono.empty();
        });
        lifecycle.start();

        time.advanceTimeBy(INTERVAL.multipliedBy(3));

        assertThat(rounds).hasValue(3);
        assertThat(lifecycle.isRunning()).isTrue();
    }

    @Test
    void stopEndsTheRoundsAndStartAgainResumesThem() {
        PeriodicLifecycle lifecycle = counting();
        lifecycle.start();
        lifecycle.start(); // a second start does not double the rounds
        time.advanceTimeBy(INTERVAL);
        assertThat(rounds).hasValue(1);

        lifecycle.stop();
        time.advanceTimeBy(INTERVAL.multipliedBy(10));
        assertThat(rounds).hasValue(1);
        assertThat(lifecycle.isRunning()).isFalse();

        lifecycle.start();
        time.advanceTimeBy(INTERVAL);
        assertThat(rounds).hasValue(2);
    }

    @Test
    void anIntervalThatIsNotPositiveIsRefusedWithItsValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PeriodicLifecycle("Test poll", Duration.ZERO, time, Mono::empty))
                .withMessage("Test poll interval must be positive, but was PT0S");
    }
}
