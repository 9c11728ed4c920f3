package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.health.HealthProperties;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.testing.MutableClock;
import io.meridian.region.GeoPoint;
import io.meridian.region.ProximityRanking;
import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class HealthAwareCandidateSelectorTests {

    static final HealthProperties HEALTH = new HealthProperties(true, Duration.ofSeconds(1), Duration.ofMillis(500), 1, 1,
            "/actuator/health/readiness");
    static final CircuitBreakerProperties CIRCUIT = new CircuitBreakerProperties(50, 100, 0.8, null, 20, 10,
            Duration.ofSeconds(10), 3);

    /** Per region: 0 healthy, 1 unhealthy, 2 circuit open, 3 full, 4 healthy and half full. */
    @Property(tries = 300)
    void everyRegionAppearsOnceAndHealthyOnesComeBeforeDoubtfulOnes(
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 4) Integer> states) {
        RegionCatalog catalog = Regions.catalog(states.size(), 10);
        HealthRegistry health = new HealthRegistry(catalog, HEALTH, new MutableClock());
        RegionGuards guards = new RegionGuards(catalog, CIRCUIT, new BulkheadProperties(null), new MutableClock());
        for (int i = 0; i < states.size(); i++) {
            Region region = catalog.regions().get(i);
            switch (states.get(i)) {
                case 1 -> health.recordCheck(region.primaryEndpoint(), false, null);
                case 2 -> guards.circuit(region).transitionToOpenState();
                case 3 -> health.recordCheck(region.primaryEndpoint(), true, new LoadReport(10 + i, 10, 0, null));
                case 4 -> health.recordCheck(region.primaryEndpoint(), true, new LoadReport(5, 10, 0, null));
                default -> { }
            }
        }
        List<RankedRegion> ranked = new ProximityRanking(catalog).rank(new GeoPoint(0, 0));

        List<Region> order = new HealthAwareCandidateSelector(health, guards).order(ranked);

        assertThat(order).hasSize(states.size()).doesNotHaveDuplicates();
        assertThat(new HashSet<>(order)).isEqualTo(new HashSet<>(catalog.regions()));
        boolean seenDoubtful = false;
        boolean seenFull = false;
        for (Region region : order) {
            int state = states.get(catalog.regions().indexOf(region));
            boolean doubtful = state == 1 || state == 2;
            if (doubtful) {
                seenDoubtful = true;
            } else {
                assertThat(seenDoubtful).as("a usable region after a doubtful one in %s", order).isFalse();
                if (state == 3) {
                    seenFull = true;
                } else {
                    assertThat(seenFull).as("a region with room after a full one in %s", order).isFalse();
                }
            }
        }
    }

    @Property(tries = 100)
    void withNothingWrongTheProximityOrderIsKept(@ForAll @IntRange(min = 1, max = 8) int count,
            @ForAll("latitudes") double latitude) {
        RegionCatalog catalog = Regions.catalog(count, 10);
        HealthRegistry health = new HealthRegistry(catalog, HEALTH, new MutableClock());
        RegionGuards guards = new RegionGuards(catalog, CIRCUIT, new BulkheadProperties(null), new MutableClock());
        List<RankedRegion> ranked = new ProximityRanking(catalog).rank(new GeoPoint(latitude, 0));

        assertThat(new HealthAwareCandidateSelector(health, guards).order(ranked))
                .containsExactlyElementsOf(ranked.stream().map(RankedRegion::region).toList());
    }

    @Provide
    Arbitrary<Double> latitudes() {
        return Arbitraries.doubles().between(-90, 90);
    }
}
