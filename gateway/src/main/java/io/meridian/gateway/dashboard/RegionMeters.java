package io.meridian.gateway.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reads what the forwarding filter already measures per region from the {@link MeterRegistry}:
 * the dashboard adds no meter and no work to the request path. Called once per poll, so the
 * registry searches here cost nothing that matters.
 */
final class RegionMeters {

    /** Proxied requests by the region that answered (see the failover package's metrics). */
    static final String REQUESTS = "meridian.region.requests";
    /** Regions a request moved past, by region and reason. */
    static final String FAILOVERS = "meridian.region.failovers";

    /** Requests a region served after another was passed over. */
    static final String FAILOVERS_RECEIVED = "meridian.region.failovers.received";
    /** Keyed requests sent on after their key's owner region was gone, by from and to region. */
    static final String DUPLICATES = "meridian.failover.duplicates";
    /** Attempt latency by region and outcome; percentiles 0.5 and 0.99 are published. */
    static final String ATTEMPTS = "meridian.region.attempt";

    private final MeterRegistry registry;

    RegionMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Requests the region answered (any outcome) since the gateway started. */
    double requests(String region) {
        return registry.find(REQUESTS).tag("region", region).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Requests the region served after the gateway moved past another region, since it started. */
    double failoversIn(String region) {
        return registry.find(FAILOVERS_RECEIVED).tag("region", region).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Times the gateway moved past the region to another one since it started. */
    double failoversOut(String region) {
        return registry.find(FAILOVERS).tag("region", region).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Keyed requests whose key moved away from the region (gone, it may have run them) since the gateway started. */
    double duplicatesOut(String region) {
        return registry.find(DUPLICATES).tag("from", region).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Keyed requests whose key moved to the region from a gone owner, since the gateway started. */
    double duplicatesIn(String region) {
        return registry.find(DUPLICATES).tag("to", region).counters().stream().mapToDouble(Counter::count).sum();
    }

    /**
     * A percentile of the region's answered attempts over the timer's recent window, in
     * milliseconds; {@code null} before the region has answered anything.
     */
    @Nullable Double percentileMillis(String region, double percentile) {
        Timer timer = registry.find(ATTEMPTS).tags("region", region, "outcome", "answered").timer();
        if (timer == null || timer.count() == 0) {
            return null;
        }
        for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
            if (Math.abs(value.percentile() - percentile) < 1e-9) {
                return value.value(TimeUnit.MILLISECONDS);
            }
        }
        return null;
    }
}
