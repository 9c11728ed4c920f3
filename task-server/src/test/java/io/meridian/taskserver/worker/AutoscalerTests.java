package io.meridian.taskserver.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pool sizing from backlog, on a clock the tests move. */
class AutoscalerTests {

    private static final Duration DELAY = Duration.ofSeconds(30);

    private final MutableClock clock = MutableClock.atEpochDay();

    private final Autoscaler autoscaler = new Autoscaler(2, 8, DELAY, clock);

    @Test
    void startsAtTheMinimum() {
        assertThat(autoscaler.current()).isEqualTo(2);
        assertThat(autoscaler.resize(0, 0)).isEqualTo(2);
    }

    @Test
    void growsToTheBacklogAtOnceButNotBeyondTheMaximum() {
        assertThat(autoscaler.resize(2, 3)).isEqualTo(5);
        assertThat(autoscaler.resize(5, 100)).isEqualTo(8);
    }

    @Test
    void aScalingHoldStopsGrowthButNotShrinkingAndLapsesAfterItsTtl() {
        ScalingHold hold = new ScalingHold(clock, Duration.ofSeconds(45));
        Autoscaler held = new Autoscaler(2, 8, DELAY, clock, hold);
        assertThat(held.resize(2, 2)).isEqualTo(4);

        hold.extend();
        assertThat(hold.held()).isTrue();
        assertThat(held.resize(4, 100)).isEqualTo(4);
        assertThat(held.resize(1, 0)).isEqualTo(4);
        clock.advance(DELAY);
        assertThat(held.resize(1, 0)).isEqualTo(2);
        assertThat(held.resize(2, 100)).isEqualTo(2);

        // Not renewed by a request for one TTL (45 s): the pool grows to its backlog again.
        clock.advance(Duration.ofSeconds(15));
        assertThat(hold.held()).isFalse();
        assertThat(held.resize(2, 100)).isEqualTo(8);
    }

    @Test
    void shrinksOnlyAfterDemandStayedLowForTheDelay() {
        autoscaler.resize(0, 8);

        assertThat(autoscaler.resize(1, 0)).isEqualTo(8);
        clock.advance(DELAY.minusMillis(1));
        assertThat(autoscaler.resize(1, 0)).isEqualTo(8);
        clock.advance(Duration.ofMillis(1));
        assertThat(autoscaler.resize(1, 0)).isEqualTo(2);
    }

    @Test
    void shrinksToTheHighestDemandSeenWhileLow() {
        autoscaler.resize(0, 8);
        autoscaler.resize(3, 0);
        clock.advance(Duration.ofSeconds(10));
        autoscaler.resize(5, 0);
        clock.advance(Duration.ofSeconds(20));

        assertThat(autoscaler.resize(1, 0)).isEqualTo(5);
    }

    @Test
    void aBurstDuringTheDelayRestartsIt() {
        autoscaler.resize(0, 8);
        autoscaler.resize(0, 0);
        clock.advance(Duration.ofSeconds(20));
        autoscaler.resize(8, 0);
        clock.advance(Duration.ofSeconds(20));

        assertThat(autoscaler.resize(0, 0)).isEqualTo(8);
        clock.advance(DELAY);
        assertThat(autoscaler.resize(0, 0)).isEqualTo(2);
    }

    @Test
    void aFixedPoolNeverChanges() {
        Autoscaler fixed = new Autoscaler(2, 2, DELAY, clock);

        assertThat(fixed.resize(0, 50)).isEqualTo(2);
        clock.advance(DELAY);
        assertThat(fixed.resize(0, 0)).isEqualTo(2);
    }

    @Test
    void refusesAMinimumAboveTheMaximum() {
        assertThatThrownBy(() -> new Autoscaler(5, 4, DELAY, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min was 5 and max 4");
    }
}
