package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.health.HealthRegistry;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FailoverMetricsTests {

    final RegionCatalog catalog = Regions.catalog(2, 10);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final FailoverMetrics metrics = new FailoverMetrics(registry, catalog,
            new RegionGuards(catalog, HealthAwareCandidateSelectorTests.CIRCUIT, new BulkheadProperties(null), new MutableClock()),
            new HealthRegistry(catalog, HealthAwareCandidateSelectorTests.HEALTH, new MutableClock()));

    @Test
    void countsRepeatedRequestsOnOneMeterPerRegionOutcomeAndStatusClass() {
        Region r0 = catalog.regions().get(0);
        Region r1 = catalog.regions().get(1);
        metrics.request(r0, "served", 200);
        metrics.request(r0, "served", 204);
        metrics.request(r0, "served", 404);
        metrics.request(r1, "served", 200);
        metrics.request(null, "no_region_available", 503);

        assertThat(registry.get(FailoverMetrics.REQUESTS).tags("region", "r0", "outcome", "served", "status", "2xx")
                .counter().count()).isEqualTo(2.0);
        assertThat(registry.get(FailoverMetrics.REQUESTS).tags("region", "r0", "status", "4xx").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get(FailoverMetrics.REQUESTS).tags("region", "r1").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(FailoverMetrics.REQUESTS).tags("region", "none", "outcome", "no_region_available",
                "status", "5xx").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(FailoverMetrics.REQUESTS).counters()).hasSize(4);
    }

    @Test
    void timesAttemptsAndCountsFailoversByRegionAndReason() {
        Region r0 = catalog.regions().get(0);
        metrics.attempt(r0, "answered", 12);
        metrics.attempt(r0, "answered", 30);
        metrics.attempt(r0, "timeout", 10_000);
        metrics.failover(r0, "timeout");
        metrics.failover(r0, "timeout");

        var answered = registry.get(FailoverMetrics.ATTEMPTS).tags("region", "r0", "outcome", "answered").timer();
        assertThat(answered.count()).isEqualTo(2);
        assertThat(answered.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(42.0);
        assertThat(registry.get(FailoverMetrics.ATTEMPTS).tags("outcome", "timeout").timer().max(TimeUnit.SECONDS))
                .isEqualTo(10.0);
        assertThat(registry.get(FailoverMetrics.FAILOVERS).tags("region", "r0", "reason", "timeout").counter().count())
                .isEqualTo(2.0);
    }
}
