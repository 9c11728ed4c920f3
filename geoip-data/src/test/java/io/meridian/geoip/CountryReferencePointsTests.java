package io.meridian.geoip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import io.meridian.region.GeoPoint;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountryReferencePointsTests {

    private final CountryReferencePoints points = CountryReferencePoints.bundled();

    @Test
    void russiasPointIsInEuropeanRussiaWhereItsUsersAre() {
        GeoPoint russia = points.pointOf("RU").orElseThrow();

        assertThat(russia.longitude()).isBetween(30.0, 60.0); // the Urals are at 60°E; the geographic centre of the land is near 94°E
        assertThat(russia.latitude()).isBetween(50.0, 62.0);
    }

    @Test
    void unitedStatesPointIsInTheEasternHalf() {
        GeoPoint unitedStates = points.pointOf("US").orElseThrow();

        assertThat(unitedStates.longitude()).isGreaterThan(-100.0);
        assertThat(unitedStates.latitude()).isBetween(30.0, 45.0);
    }

    @Test
    void australiasPointIsInTheSouthEast() {
        GeoPoint australia = points.pointOf("AU").orElseThrow();

        assertThat(australia.latitude()).isLessThan(-28.0);
        assertThat(australia.longitude()).isGreaterThan(140.0);
    }

    @Test
    void canadasPointIsNearTheSouthernBorderAndBrazilsInTheSouthEast() {
        assertThat(points.pointOf("CA").orElseThrow().latitude()).isLessThan(50.0);
        GeoPoint brazil = points.pointOf("BR").orElseThrow();
        assertThat(brazil.latitude()).isLessThan(-15.0);
        assertThat(brazil.longitude()).isGreaterThan(-50.0);
    }

    @Test
    void fijisPointStaysNearTheAntimeridianInsteadOfAveragingToZero() {
        assertThat(Math.abs(points.pointOf("FJ").orElseThrow().longitude())).isGreaterThan(175.0);
    }

    @Test
    void everyCountryTheBundledDatabaseCanReturnHasAPoint() throws Exception {
        Set<String> countries = new TreeSet<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(GeoIpDatabase.BUNDLED_RESOURCE);
             Reader reader = new Reader(in)) {
            Networks<Map> networks = reader.networks(false, Map.class);
            networks.forEachRemaining(network -> countries.add((String) network.data().get("country_code")));
        }

        assertThat(countries).hasSizeGreaterThan(200);
        assertThat(points.countryCodes()).containsAll(countries);
    }

    @Test
    void lookupIgnoresCaseAndUnknownCodesHaveNoPoint() {
        assertThat(points.pointOf("de")).isEqualTo(points.pointOf("DE")).isPresent();
        assertThat(points.pointOf("ZZ")).isEmpty();
        assertThat(points.size()).isEqualTo(points.countryCodes().size());
    }

    @Test
    void malformedTableIsRejectedNamingFileAndLine(@TempDir Path directory) throws Exception {
        Path csv = Files.writeString(directory.resolve("points.csv"), """
                # comment
                country,latitude,longitude,weight
                DE,50.3,9.5,100
                FR,95.0,2.6,100
                """);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> CountryReferencePoints.load(csv))
                .withMessage("country reference points " + csv + " line 4: latitude must be within [-90, 90], but was 95.0");
    }

    @Test
    void wellFormedTableLoads(@TempDir Path directory) throws Exception {
        Path csv = Files.writeString(directory.resolve("points.csv"), """
                country,latitude,longitude,weight
                DE,50.3,9.5,100
                """);

        assertThat(CountryReferencePoints.load(csv).pointOf("DE")).contains(new GeoPoint(50.3, 9.5));
    }
}
