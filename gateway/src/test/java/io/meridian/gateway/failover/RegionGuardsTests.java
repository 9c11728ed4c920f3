package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.meridian.testing.MutableClock;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RegionGuardsTests {

    final MutableClock clock = new MutableClock();
    final RegionCatalog catalog = Regions.catalog(2, 5);
    final Region region = catalog.regions().getFirst();
    final CircuitBreakerProperties circuit = new CircuitBreakerProperties(50, 100, 0.8, null, 4, 4,
            Duration.ofSeconds(10), 2);

    RegionGuards guards(BulkheadProperties bulkhead) {
        return new RegionGuards(catalog, circuit, bulkhead, clock);
    }

    static void fail(CircuitBreaker breaker) {
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onError(10, TimeUnit.MILLISECONDS, new IOException("connection reset"));
    }

    static void succeed(CircuitBreaker breaker, long millis) {
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onSuccess(millis, TimeUnit.MILLISECONDS);
    }

    @Test
    void theCircuitGoesFromClosedToOpenToHalfOpenToClosedAsTheClockMoves() {
        RegionGuards guards = guards(new BulkheadProperties(null));
        CircuitBreaker breaker = guards.circuit(region);

        succeed(breaker, 10);
        succeed(breaker, 10);
        fail(breaker);
        assertThat(breaker.getState()).isEqualTo(State.CLOSED);
        fail(breaker);
        assertThat(breaker.getState()).isEqualTo(State.OPEN);
        assertThat(guards.circuitOpen(region)).isTrue();
        assertThat(breaker.tryAcquirePermission()).isFalse();

        clock.advance(Duration.ofSeconds(9));
        assertThat(breaker.tryAcquirePermission()).isFalse();

        clock.advance(Duration.ofSeconds(2));
        succeed(breaker, 10);
        assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
        assertThat(guards.circuitOpen(region)).isFalse();
        succeed(breaker, 10);
        assertThat(breaker.getState()).isEqualTo(State.CLOSED);
    }

    @Test
    void anOpenCircuitWhoseWaitIsOverIsNoLongerOpenThoughNoCallAskedIt() {
        RegionGuards guards = guards(new BulkheadProperties(null));
        CircuitBreaker breaker = guards.circuit(region);
        for (int i = 0; i < 4; i++) {
            fail(breaker);
        }
        assertThat(guards.circuitOpen(region)).isTrue();

        clock.advance(Duration.ofSeconds(9));
        assertThat(guards.circuitOpen(region)).as("within the wait").isTrue();
        assertThat(breaker.getState()).isEqualTo(State.OPEN);

        clock.advance(Duration.ofSeconds(2));
        assertThat(guards.circuitOpen(region)).as("the wait is over: the region may be tried again").isFalse();
        assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
        // The question took no probe: both of the half-open state's probes are still there.
        succeed(breaker, 10);
        succeed(breaker, 10);
        assertThat(breaker.getState()).isEqualTo(State.CLOSED);
    }

    @Test
    void aFailedProbeInHalfOpenStateOpensTheCircuitAgain() {
        CircuitBreaker breaker = guards(new BulkheadProperties(null)).circuit(region);
        for (int i = 0; i < 4; i++) {
            fail(breaker);
        }
        clock.advance(Duration.ofSeconds(11));
        succeed(breaker, 10);
        fail(breaker);

        assertThat(breaker.getState()).isEqualTo(State.OPEN);
    }

    @Test
    void slowAnswersOpenTheCircuit() {
        CircuitBreaker breaker = guards(new BulkheadProperties(null)).circuit(region);
        for (int i = 0; i < 4; i++) {
            succeed(breaker, 5_000);
        }

        assertThat(breaker.getState()).isEqualTo(State.OPEN);
    }

    @Test
    void theBulkheadDefaultsToTheRegionsCapacityAndCountsInFlightRequests() {
        RegionGuards guards = guards(new BulkheadProperties(null));

        for (int i = 0; i < 5; i++) {
            assertThat(guards.bulkhead(region).tryAcquirePermission()).isTrue();
        }
        assertThat(guards.bulkhead(region).tryAcquirePermission()).isFalse();
        assertThat(guards.inFlight(region)).isEqualTo(5);
        guards.bulkhead(region).onComplete();
        assertThat(guards.inFlight(region)).isEqualTo(4);
    }

    @Test
    void theConfiguredBulkheadLimitOverridesCapacity() {
        RegionGuards guards = guards(new BulkheadProperties(1));

        assertThat(guards.bulkhead(region).tryAcquirePermission()).isTrue();
        assertThat(guards.bulkhead(region).tryAcquirePermission()).isFalse();
    }
}
