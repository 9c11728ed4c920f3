package io.meridian.gateway.failover;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Per-region meters. Tags are bounded by construction: region ids come from the catalog, outcomes
 * and reasons from fixed vocabularies, statuses are reduced to their class ({@code 2xx}). Nothing
 * per client or per task ever becomes a tag.
 *
 * <p>Design note: every request records two meters. Building and registering a meter costs a tag
 * sort and a registry lookup, so each meter is registered once, on first use, and then found in a
 * map keyed by its few tag values: the hot path does one hash lookup per meter. The maps stay as
 * small as the tags are bounded (regions × outcomes × status classes).
 */
final class FailoverMetrics {

    /** Requests by the region that answered ({@code none} when none did), outcome and status class. */
    static final String REQUESTS = "meridian.region.requests";
    /** Regions a request moved past, by region and reason. */
    static final String FAILOVERS = "meridian.region.failovers";
    /** Time from sending an attempt to its answer's headers (or its failure), by region and outcome. */
    static final String ATTEMPTS = "meridian.region.attempt";
    /** Requests a region served after at least one other region was passed over: fail-overs into it. */
    static final String FAILOVERS_RECEIVED = "meridian.region.failovers.received";
    /** Circuit state per region: 0 closed, 1 open, 2 half-open, 3 disabled or forced. */
    static final String CIRCUIT_STATE = "meridian.region.circuit.state";
    /** 1 when at least one of the region's endpoints is healthy, else 0. */
    static final String HEALTHY = "meridian.region.healthy";
    /** Requests the gateway has in flight to the region. */
    static final String IN_FLIGHT = "meridian.region.in.flight";
    /**
     * Keyed requests sent to another region after the region owning their key, which may have run
     * them, was gone: possible second executions, by from and to region.
     */
    static final String DUPLICATES = "meridian.failover.duplicates";

    private final MeterRegistry registry;
    private final ConcurrentMap<MeterKey, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<MeterKey, Counter> failovers = new ConcurrentHashMap<>();
    private final ConcurrentMap<MeterKey, Timer> attempts = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> received = new ConcurrentHashMap<>();
    private final ConcurrentMap<MeterKey, Counter> duplicates = new ConcurrentHashMap<>();

    FailoverMetrics(MeterRegistry registry, RegionCatalog catalog, RegionGuards guards, HealthRegistry health) {
        this.registry = registry;
        for (Region region : catalog.regions()) {
            Gauge.builder(CIRCUIT_STATE, guards, g -> circuitState(g.circuit(region).getState()))
                    .tag("region", region.id()).register(registry);
            Gauge.builder(HEALTHY, health, h -> h.isHealthy(region) ? 1 : 0)
                    .tag("region", region.id()).register(registry);
            Gauge.builder(IN_FLIGHT, guards, g -> g.inFlight(region))
                    .tag("region", region.id()).register(registry);
            // Counted from zero, so that a dashboard or an alert sees "none yet" rather than no series.
            for (String reason : FAILOVER_REASONS) {
                failover(region, reason, 0);
            }
            received.put(region.id(), Counter.builder(FAILOVERS_RECEIVED).tag("region", region.id()).register(registry));
            for (Region to : catalog.regions()) {
                if (!to.id().equals(region.id())) {
                    duplicate(region.id(), to.id(), 0);
                }
            }
        }
    }

    /** Failover reason: the region's circuit breaker refused the attempt. */
    static final String CIRCUIT_OPEN = "circuit_open";

    /** Failover reason: the region's bulkhead was full. */
    static final String BULKHEAD_FULL = "bulkhead_full";

    /** Every reason a request moves past a region: the failures of an attempt, and the refusals before one. */
    static final java.util.List<String> FAILOVER_REASONS = java.util.List.of(
            AttemptFailure.CONNECT.tag, AttemptFailure.RESET.tag,
            AttemptFailure.TIMEOUT.tag, AttemptFailure.STATUS.tag, AttemptFailure.REGION_DOWN.tag,
            CIRCUIT_OPEN, BULKHEAD_FULL);


    static int circuitState(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }

    void request(@Nullable Region region, String outcome, int status) {
        String regionId = region == null ? "none" : region.id();
        int statusClass = status / 100;
        requests.computeIfAbsent(new MeterKey(regionId, outcome, statusClass), key -> Counter.builder(REQUESTS)
                        .tag("region", key.region())
                        .tag("outcome", key.outcome())
                        .tag("status", key.statusClass() + "xx")
                        .register(registry))
                .increment();
    }

    void failover(Region region, String reason) {
        failover(region, reason, 1);
    }

    private void failover(Region region, String reason, int count) {
        failovers.computeIfAbsent(new MeterKey(region.id(), reason, 0), key -> Counter.builder(FAILOVERS)
                        .tag("region", key.region())
                        .tag("reason", key.outcome())
                        .register(registry))
                .increment(count);
    }

    void failoverReceived(Region region) {
        Counter counter = received.get(region.id());
        if (counter != null) {
            counter.increment();
        }
    }

    /** A keyed request's key moved from {@code from}, which may have run it, to {@code to}. */
    void duplicate(String from, String to) {
        duplicate(from, to, 1);
    }

    private void duplicate(String from, String to, int count) {
        duplicates.computeIfAbsent(new MeterKey(from, to, 0), key -> Counter.builder(DUPLICATES)
                        .description("Keyed requests sent on after the region owning their key, which may have run them, was gone")
                        .tag("from", key.region())
                        .tag("to", key.outcome())
                        .register(registry))
                .increment(count);
    }

    void attempt(Region region, String outcome, long millis) {
        attempts.computeIfAbsent(new MeterKey(region.id(), outcome, 0), key -> Timer.builder(ATTEMPTS)
                        .tag("region", key.region())
                        .tag("outcome", key.outcome())
                        .publishPercentileHistogram()
                        .publishPercentiles(0.5, 0.99)
                        .register(registry))
                .record(millis, TimeUnit.MILLISECONDS);
    }

    /** The tag values that tell one meter of a name from another; {@code statusClass} is 0 where unused. */
    private record MeterKey(String region, String outcome, int statusClass) {
    }
}
