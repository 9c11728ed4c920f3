package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meridian.gateway.failover.AttemptPermits.Held;
import io.meridian.gateway.failover.AttemptPermits.Refusal;
import io.meridian.gateway.failover.AttemptPermits.Refused;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AttemptPermitsTests {

    final MutableClock clock = new MutableClock();
    final RegionCatalog catalog = Regions.catalog(1, 2);
    final Region region = catalog.regions().getFirst();
    final URI endpoint = region.primaryEndpoint();
    final RegionGuards guards = new RegionGuards(catalog, new CircuitBreakerProperties(50, 100, 0.8, null,
            10, 10, Duration.ofSeconds(10), 2), new BulkheadProperties(null), clock);
    final RetryBudget budget = new RetryBudget(0, 1);
    final EndpointLoad load = new EndpointLoad();
    final AttemptPermits permits = new AttemptPermits(guards, budget, load, clock);

    Held held(boolean retry) {
        AttemptPermits.Grant grant = permits.acquire(region, endpoint, retry);
        assertThat(grant).isInstanceOf(Held.class);
        return (Held) grant;
    }

    CircuitBreaker.Metrics circuit() {
        return guards.circuit(region).getMetrics();
    }

    void assertNothingHeld() {
        assertThat(guards.inFlight(region)).isZero();
        assertThat(load.outstanding(endpoint)).isZero();
        assertThat(budget.activeRetries()).isZero();
    }

    @Test
    void aFailedAttemptGivesEveryPermitBackOnceHoweverOftenItIsReleased() {
        Held attempt = held(true);
        assertThat(guards.inFlight(region)).isEqualTo(1);
        assertThat(load.outstanding(endpoint)).isEqualTo(1);
        assertThat(budget.activeRetries()).isEqualTo(1);

        attempt.releaseRetry();
        attempt.releaseBulkhead();
        attempt.failure(5, new IOException("connection reset"));
        attempt.failure(5, new IOException("connection reset"));
        attempt.abandon();
        attempt.releaseRetry();
        attempt.releaseBulkhead();

        assertNothingHeld();
        assertThat(circuit().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(circuit().getNumberOfBufferedCalls()).isEqualTo(1);
        // Released once: the bulkhead admits its full capacity again, no more.
        held(false);
        held(false);
        assertThat(permits.acquire(region, endpoint, false)).isEqualTo(new Refused(Refusal.BULKHEAD_FULL));
    }

    @Test
    void aCancelledAttemptGivesEveryPermitBackWithoutAVerdictOnTheRegion() {
        Held attempt = held(true);

        attempt.abandon();
        attempt.abandon();
        attempt.success(5);

        assertNothingHeld();
        assertThat(circuit().getNumberOfBufferedCalls()).isZero();
    }

    @Test
    void anAnsweredAttemptCountsOneSuccessAndHoldsItsBulkheadUntilTheAnswerIsRelayed() {
        Held attempt = held(false);

        attempt.releaseRetry();
        attempt.success(5);
        assertThat(guards.inFlight(region)).isEqualTo(1);
        attempt.abandon();

        assertNothingHeld();
        assertThat(circuit().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(circuit().getNumberOfBufferedCalls()).isEqualTo(1);
    }

    @Test
    void aSpentRetryBudgetRefusesTheRetryAndKeepsNoOtherPermit() {
        Held first = held(true);

        assertThat(permits.acquire(region, endpoint, true)).isEqualTo(new Refused(Refusal.RETRY_BUDGET_SPENT));
        first.abandon();

        assertNothingHeld();
        assertThat(circuit().getNumberOfBufferedCalls()).isZero();
    }

    @Test
    void aFullBulkheadGivesBackTheCircuitPermitItTook() {
        // Half open, the circuit lets exactly two attempts through.
        guards.circuit(region).transitionToOpenState();
        guards.circuit(region).transitionToHalfOpenState();
        assertThat(guards.bulkhead(region).tryAcquirePermission()).isTrue();
        assertThat(guards.bulkhead(region).tryAcquirePermission()).isTrue();

        assertThat(permits.acquire(region, endpoint, false)).isEqualTo(new Refused(Refusal.BULKHEAD_FULL));
        assertThat(permits.acquire(region, endpoint, false)).isEqualTo(new Refused(Refusal.BULKHEAD_FULL));
        guards.bulkhead(region).onComplete();
        guards.bulkhead(region).onComplete();

        held(false);
        held(false);
        assertThat(permits.acquire(region, endpoint, false)).isEqualTo(new Refused(Refusal.CIRCUIT_OPEN));
    }

    @Test
    void anOpenCircuitRefusesWithoutTakingABulkheadSlot() {
        guards.circuit(region).transitionToOpenState();

        assertThat(permits.acquire(region, endpoint, true)).isEqualTo(new Refused(Refusal.CIRCUIT_OPEN));
        assertNothingHeld();
    }

    @Test
    void elapsedTimeComesFromTheClock() {
        Held attempt = held(false);
        clock.advance(Duration.ofMillis(250));

        assertThat(attempt.elapsed()).isEqualTo(250);
    }
}
