package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.affinity.TwoChoicesPicker;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.testing.MutableClock;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.region.RegionSpec;
import io.meridian.region.RegionsSpec;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AffinityEndpointPickerTests {

    final RegionCatalog catalog = RegionCatalog.from(new RegionsSpec("test", List.of("eu"), null, List.of(
            new RegionSpec("eu-central", null, 50.1, 8.7, List.of("http://127.0.0.1:9301", "http://127.0.0.1:9302",
                    "http://127.0.0.1:9303", "http://127.0.0.1:9304"), null, 100, "eu"))));
    final Region region = catalog.regions().getFirst();
    final HealthRegistry health = new HealthRegistry(catalog, HealthAwareCandidateSelectorTests.HEALTH, new MutableClock());
    final EndpointLoad load = new EndpointLoad();
    final SplittableRandom random = new SplittableRandom(3);
    final AffinityEndpointPicker picker = new AffinityEndpointPicker(health, load, 160, 1.25,
            new TwoChoicesPicker(random::nextInt));

    @Test
    void aSessionKeepsItsReplicaAndEveryReplicaIsListedOnceForFailover() {
        List<URI> first = picker.endpoints(region, "conversation-7");

        assertThat(first).hasSize(4).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(region.endpoints());
        for (int i = 0; i < 20; i++) {
            assertThat(picker.endpoints(region, "conversation-7").getFirst()).isEqualTo(first.getFirst());
        }
    }

    @Test
    void aSessionMovesOffAReplicaThatIsDownAndTheDownOneIsTriedLast() {
        URI home = picker.endpoints(region, "conversation-7").getFirst();
        health.recordCheck(home, false, null);

        List<URI> order = picker.endpoints(region, "conversation-7");

        assertThat(order.getFirst()).isNotEqualTo(home);
        assertThat(order.getLast()).isEqualTo(home);
    }

    @Test
    void aHotSessionOverflowsOnceItsReplicaCarriesMoreThanItsShare() {
        URI home = picker.endpoints(region, "hot").getFirst();
        for (int i = 0; i < 10; i++) {
            load.started(home);
        }

        assertThat(picker.endpoints(region, "hot").getFirst()).isNotEqualTo(home);
    }

    @Test
    void withoutASessionTheLeastLoadedOfTwoRandomReplicasLeads() {
        Map<URI, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            URI chosen = picker.endpoints(region, null).getFirst();
            firsts.merge(chosen, 1, Integer::sum);
            load.started(chosen); // requests stay outstanding: load must even out
        }

        assertThat(firsts).hasSize(4);
        assertThat(firsts.values()).allSatisfy(n -> assertThat(n).isBetween(95, 105));
    }

    @Test
    void whenEveryReplicaLooksDownAllAreStillTried() {
        region.endpoints().forEach(e -> health.recordCheck(e, false, LoadReport.NONE));
        health.recordCheck(region.endpoints().getFirst(), false, null);

        assertThat(picker.endpoints(region, "s")).containsExactlyInAnyOrderElementsOf(region.endpoints());
    }
}
