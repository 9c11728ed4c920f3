package io.meridian.gateway.failover;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Per-region meters. Tags are bounded by construction: region ids come from the catalog, outcomes
 * and reasons from fixed vocabularies, statuses are reduced to their class ({@code 2xx}). Nothing
 * per client or per task ever becomes a tag.
 */
final class FailoverMetrics {

    /** Requests by the region that answered ({@code none} when none did), outcome and status class. */
    static final String REQUESTS = "meridian.region.requests";
    /** Regions a request moved past, by region and reason. */
    static final String FAILOVERS = "meridian.region.failovers";
    /** Time from sending an attempt to its answer's headers (or its failure), by region and outcome. */
    static final String ATTEMPTS = "meridian.region.attempt";
    /** Circuit state per region: 0 closed, 1 open, 2 half-open, 3 disabled or forced. */
    static final String CIRCUIT_STATE = "meridian.region.circuit.state";
    /** 1 when at least one of the region's endpoints is healthy, else 0. */
    static final String HEALTHY = "meridian.region.healthy";
    /** Requests the gateway has in flight to the region. */
    static final String IN_FLIGHT = "meridian.region.in.flight";

    private final MeterRegistry registry;

    FailoverMetrics(MeterRegistry registry, RegionCatalog catalog, RegionGuards guards, HealthRegistry health) {
        this.registry = registry;
        for (Region region : catalog.regions()) {
            Gauge.builder(CIRCUIT_STATE, guards, g -> circuitState(g.circuit(region).getState()))
                    .tag("region", region.id()).register(registry);
            Gauge.builder(HEALTHY, health, h -> h.isHealthy(region) ? 1 : 0)
                    .tag("region", region.id()).register(registry);
            Gauge.builder(IN_FLIGHT, guards, g -> g.inFlight(region))
                    .tag("region", region.id()).register(registry);
        }
    }

    static int circuitState(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }

    void request(@Nullable Region region, String outcome, int status) {
        Counter.builder(REQUESTS)
                .tag("region", region == null ? "none" : region.id())
                .tag("outcome", outcome)
                .tag("status", (status / 100) + "xx")
                .register(registry)
                .increment();
    }

    void failover(Region region, String reason) {
        Counter.builder(FAILOVERS).tag("region", region.id()).tag("reason", reason).register(registry).increment();
    }

    void attempt(Region region, String outcome, long millis) {
        Timer.builder(ATTEMPTS)
                .tag("region", region.id())
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofMillis(millis));
    }
}
