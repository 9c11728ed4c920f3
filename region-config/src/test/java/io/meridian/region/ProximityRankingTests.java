package io.meridian.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class ProximityRankingTests {

    final RegionCatalog catalog = RegionsFileTests.load("""
            regions:
              - {id: us-east, latitude: 40.7128, longitude: -74.0060, endpoints: [http://127.0.0.1:9001], zone: us}
              - {id: eu-central, latitude: 50.1109, longitude: 8.6821, endpoints: [http://127.0.0.1:9002], zone: eu}
              - {id: ap-southeast, latitude: 1.3521, longitude: 103.8198, endpoints: [http://127.0.0.1:9003], zone: apac}
            """);
    final ProximityRanking ranking = new ProximityRanking(catalog);

    List<String> order(double lat, double lon) {
        return ranking.rank(new GeoPoint(lat, lon)).stream().map(r -> r.region().id()).toList();
    }

    @Test
    void ranksEachContinentToItsNearestRegion() {
        assertThat(order(52.52, 13.40)).as("Berlin").containsExactly("eu-central", "us-east", "ap-southeast");
        assertThat(order(35.68, 139.69)).as("Tokyo").first().isEqualTo("ap-southeast");
        assertThat(order(-33.87, 151.21)).as("Sydney").first().isEqualTo("ap-southeast");
        assertThat(order(41.88, -87.63)).as("Chicago").first().isEqualTo("us-east");
        assertThat(order(-23.55, -46.63)).as("Sao Paulo").first().isEqualTo("us-east");
        assertThat(order(-1.29, 36.82)).as("Nairobi").first().isEqualTo("eu-central");
        assertThat(order(28.61, 77.21)).as("Delhi").first().isEqualTo("ap-southeast");
    }

    @Test
    void biasSteersTrafficAwayFromARegion() {
        RegionCatalog biased = RegionsFileTests.load("""
                regions:
                  - {id: us-east, latitude: 40.7128, longitude: -74.0060, endpoints: [http://127.0.0.1:9001], zone: us}
                  - {id: eu-central, latitude: 50.1109, longitude: 8.6821, endpoints: [http://127.0.0.1:9002], zone: eu, bias: 7000}
                """);

        List<RankedRegion> ranked = new ProximityRanking(biased).rank(new GeoPoint(52.52, 13.40));

        assertThat(ranked).extracting(r -> r.region().id()).containsExactly("us-east", "eu-central");
        assertThat(ranked.get(1).effectiveKm()).isEqualTo(ranked.get(1).distanceKm() + 7000);
    }

    @Test
    void unknownLocationsGoToTheDefaultRegionFirst() {
        assertThat(ranking.rankForUnknownLocation()).extracting(r -> r.region().id())
                .containsExactly("us-east", "eu-central", "ap-southeast");
    }

    @Property
    void rankingIsAPermutationSortedByEffectiveDistance(
            @ForAll @DoubleRange(min = -90, max = 90) double lat, @ForAll @DoubleRange(min = -180, max = 180) double lon) {
        List<RankedRegion> ranked = ranking.rank(new GeoPoint(lat, lon));

        assertThat(ranked).extracting(r -> r.region().id())
                .containsExactlyInAnyOrder("us-east", "eu-central", "ap-southeast");
        for (int i = 1; i < ranked.size(); i++) {
            assertThat(ranked.get(i).effectiveKm()).isGreaterThanOrEqualTo(ranked.get(i - 1).effectiveKm());
        }
        assertThat(ranked.getFirst().distanceKm()).isEqualTo(
                catalog.regions().stream().mapToDouble(r -> Geodesy.distanceKm(new GeoPoint(lat, lon), r.location())).min().orElseThrow());
    }
}
