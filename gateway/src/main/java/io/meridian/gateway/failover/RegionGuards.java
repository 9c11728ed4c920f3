package io.meridian.gateway.failover;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Resilience4j circuit breaker and one bulkhead per region.
 *
 * <p>Design note: the breaker is count-based over the last {@code slidingWindowSize} attempts and
 * judges both failures and slow answers, because a region that answers in a minute is as useless
 * to an interactive client as one that does not answer. Outcomes are recorded by the forwarding
 * filter at the moment an attempt's fate is known (headers arrived, or the attempt failed), not
 * when a long streamed body ends. The breaker reads time only from the injected {@link Clock},
 * so tests move it through open → half-open → closed without waiting. The bulkhead never waits
 * for a permit: a full region is skipped at once, which is what spill-over wants.
 */
public final class RegionGuards {

    private final Map<String, CircuitBreaker> breakers;
    private final Map<String, Bulkhead> bulkheads;

    public RegionGuards(RegionCatalog catalog, CircuitBreakerProperties circuit, BulkheadProperties bulkhead, Clock clock) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(circuit.failureRateThreshold())
                .slowCallRateThreshold(circuit.slowCallRateThreshold())
                .slowCallDurationThreshold(circuit.slowCallDuration())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(circuit.slidingWindowSize())
                .minimumNumberOfCalls(circuit.minimumNumberOfCalls())
                .waitDurationInOpenState(circuit.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(circuit.permittedCallsInHalfOpenState())
                .clock(clock)
                .currentTimestampFunction(Clock::millis, TimeUnit.MILLISECONDS)
                .build();
        Map<String, CircuitBreaker> circuits = new LinkedHashMap<>();
        Map<String, Bulkhead> heads = new LinkedHashMap<>();
        for (Region region : catalog.regions()) {
            circuits.put(region.id(), CircuitBreaker.of("region-" + region.id(), config));
            int max = bulkhead.maxConcurrent() == null ? region.capacity() : bulkhead.maxConcurrent();
            heads.put(region.id(), Bulkhead.of("region-" + region.id(), BulkheadConfig.custom()
                    .maxConcurrentCalls(max)
                    .maxWaitDuration(Duration.ZERO)
                    .build()));
        }
        this.breakers = Map.copyOf(circuits);
        this.bulkheads = Map.copyOf(heads);
    }

    /** The region's circuit breaker. */
    public CircuitBreaker circuit(Region region) {
        return breakers.get(region.id());
    }

    /** The region's bulkhead. */
    public Bulkhead bulkhead(Region region) {
        return bulkheads.get(region.id());
    }

    /** Whether the region's circuit currently refuses attempts (open or forced open). */
    public boolean circuitOpen(Region region) {
        CircuitBreaker.State state = circuit(region).getState();
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }

    /** Requests the gateway has in flight to the region right now. */
    public int inFlight(Region region) {
        Bulkhead.Metrics metrics = bulkhead(region).getMetrics();
        return metrics.getMaxAllowedConcurrentCalls() - metrics.getAvailableConcurrentCalls();
    }
}
