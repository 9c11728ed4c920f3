package io.meridian.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CountryTrafficTests {

    @Test
    void countsKnownCountriesAndFoldsEverythingElseIntoUnknown() {
        CountryTraffic traffic = new CountryTraffic(Set.of("DE", "US"));
        traffic.record("DE");
        traffic.record("DE");
        traffic.record(null);
        traffic.record("XX");
        assertThat(traffic.snapshot()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("DE", 2L, CountryTraffic.UNKNOWN, 2L));
    }

    @Test
    void theBundledSetCoversTheWorldsCountries() {
        CountryTraffic traffic = CountryTraffic.bundled();
        traffic.record("NZ");
        assertThat(traffic.snapshot()).containsEntry("NZ", 1L).doesNotContainKey(CountryTraffic.UNKNOWN);
    }
}
