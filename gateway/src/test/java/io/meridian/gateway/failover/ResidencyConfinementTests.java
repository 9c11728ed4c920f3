package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.gateway.residency.ResidencyPolicy;
import io.meridian.testing.MutableClock;
import io.meridian.region.GeoPoint;
import io.meridian.region.ProximityRanking;
import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.region.RegionSpec;
import io.meridian.region.RegionsSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The residency promise over every health state: whatever is down, open or full, a confined
 * request's failover order holds only regions of its zone (and, when the zone has regions, never
 * nothing at all: the order degrades, it does not leave the zone).
 */
class ResidencyConfinementTests {

    static final String[] ZONES = {"us", "eu", "apac"};

    static RegionCatalog catalog(List<Integer> zoneOfRegion) {
        List<RegionSpec> specs = new ArrayList<>();
        for (int i = 0; i < zoneOfRegion.size(); i++) {
            specs.add(new RegionSpec("r" + i, null, -60.0 + 15 * i, -170.0 + 40 * i,
                    List.of("http://127.0.0.1:" + (9200 + i)), null, 10, ZONES[zoneOfRegion.get(i)]));
        }
        return RegionCatalog.from(new RegionsSpec("test", List.of(ZONES), null, specs));
    }

    /** Per region: zone index, and a health state 0 ok, 1 unhealthy, 2 circuit open, 3 full. */
    @Property(tries = 500)
    void aConfinedRequestIsNeverOfferedARegionOutsideItsZone(
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 2) Integer> zones,
            @ForAll @Size(8) List<@IntRange(min = 0, max = 3) Integer> states,
            @ForAll @IntRange(min = 0, max = 2) int requestedZone,
            @ForAll @DoubleRange(min = -90, max = 90) double latitude,
            @ForAll @DoubleRange(min = -180, max = 180) double longitude) {
        RegionCatalog catalog = catalog(zones);
        HealthRegistry health = new HealthRegistry(catalog, HealthAwareCandidateSelectorTests.HEALTH, new MutableClock());
        RegionGuards guards = new RegionGuards(catalog, HealthAwareCandidateSelectorTests.CIRCUIT,
                new BulkheadProperties(null), new MutableClock());
        for (int i = 0; i < zones.size(); i++) {
            Region region = catalog.regions().get(i);
            switch (states.get(i)) {
                case 1 -> health.recordCheck(region.primaryEndpoint(), false, null);
                case 2 -> guards.circuit(region).transitionToOpenState();
                case 3 -> health.recordCheck(region.primaryEndpoint(), true, new LoadReport(20, 10, 0, null));
                default -> { }
            }
        }
        ResidencyPolicy policy = new ResidencyPolicy(Set.of(ZONES), Map.of(), true);
        String zone = policy.zoneFor(ZONES[requestedZone], null);
        List<RankedRegion> ranked = new ProximityRanking(catalog).rank(new GeoPoint(latitude, longitude));

        List<Region> order = new HealthAwareCandidateSelector(health, guards).order(ResidencyPolicy.confine(ranked, zone));

        assertThat(order).allSatisfy(region -> assertThat(region.zone()).isEqualTo(zone));
        long regionsInZone = catalog.regions().stream().filter(r -> r.zone().equals(zone)).count();
        assertThat(order).hasSize((int) regionsInZone);
    }
}
