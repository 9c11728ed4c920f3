package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meridian.gateway.failover.AttemptPermits.Held;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The circuit breaker's slow calls are the attempts slow by their own deadline, on the injected clock. */
class SlowCallTests {

    final MutableClock clock = new MutableClock();
    final RegionCatalog catalog = Regions.catalog(1, 10);
    final Region region = catalog.regions().getFirst();
    final URI endpoint = region.primaryEndpoint();
    final RegionGuards guards = new RegionGuards(catalog, new CircuitBreakerProperties(50, 100, 0.8, null,
            4, 4, Duration.ofSeconds(10), 2), new BulkheadProperties(null), clock);
    final AttemptPermits permits = new AttemptPermits(guards, new RetryBudget(1, 10), new EndpointLoad(), clock);
    final CircuitBreaker breaker = guards.circuit(region);

    Held attempt(Duration slowAfter) {
        return (Held) permits.acquire(region, endpoint, false, slowAfter.toMillis());
    }

    void answered(Duration slowAfter, Duration took) {
        Held held = attempt(slowAfter);
        clock.advance(took);
        held.success(held.elapsed());
        held.releaseBulkhead();
    }

    @Test
    void aModelCallOfTwentySecondsWithinItsDeadlineIsNotSlow() {
        for (int i = 0; i < 4; i++) {
            answered(Duration.ofSeconds(76), Duration.ofSeconds(20));
        }

        assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isZero();
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void readsPastTheirShareOfTheirDeadlineAreSlowAndOpenTheCircuit() {
        for (int i = 0; i < 4; i++) {
            answered(Duration.ofSeconds(8), Duration.ofSeconds(9));
        }

        assertThat(breaker.getMetrics().getNumberOfSlowSuccessfulCalls()).isEqualTo(4);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void aQuickCallIsNotSlowAndAFailedSlowCallCountsAsBoth() {
        answered(Duration.ofSeconds(8), Duration.ofMillis(1_500));
        Held failed = attempt(Duration.ofMillis(500));
        clock.advance(Duration.ofMillis(600));
        failed.failure(failed.elapsed(), new IOException("reset"));

        assertThat(breaker.getMetrics().getNumberOfSlowSuccessfulCalls()).isZero();
        assertThat(breaker.getMetrics().getNumberOfSlowFailedCalls()).isEqualTo(1);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    @Test
    void theRecordedDurationLiesOnTheSideOfTheBreakersMarkThatTheVerdictSays() {
        long mark = RegionGuards.SLOW_MARK.toMillis();

        assertThat(RegionGuards.recordedMillis(20_000, false)).isEqualTo(mark - 1);
        assertThat(RegionGuards.recordedMillis(5, false)).isEqualTo(5);
        assertThat(RegionGuards.recordedMillis(5, true)).isEqualTo(mark + 1);
        assertThat(RegionGuards.recordedMillis(90_000, true)).isEqualTo(90_000);
    }
}
