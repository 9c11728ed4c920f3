package io.meridian.geoip.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.meridian.geoip.CountryReferencePoints;
import io.meridian.geoip.testing.TestDatabases;
import io.meridian.region.GeoPoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferencePointsBuilderTests {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-07-08T09:10:11Z"), ZoneOffset.UTC);

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void networksWeighByTheirAddressCount() throws Exception {
        Path city = TestDatabases.flatCity().ipv4Only()
                .city("91.0.0.0/16", "DE", "Frankfurt am Main", 50.1109, 8.6821) // 65,536 addresses
                .city("91.1.0.0/24", "DE", "Berlin", 52.5200, 13.4050) // 256 addresses
                .writeTo(directory.resolve("city.mmdb"));

        GeoPoint germany = build(city).pointOf("DE").orElseThrow();

        // 256 of 65,792 addresses are in Berlin: the point moves about 0.4% of the way there
        assertThat(germany.latitude()).isCloseTo(50.1109 + (52.52 - 50.1109) * 256 / 65_792, within(0.01));
        assertThat(germany.longitude()).isCloseTo(8.6821 + (13.405 - 8.6821) * 256 / 65_792, within(0.01));
        assertThat(germany.latitude()).isGreaterThan(50.1109);
    }

    @Test
    void theMeanIsTakenOnTheSphereSoItHoldsAcrossTheAntimeridian() throws Exception {
        Path city = TestDatabases.flatCity().ipv4Only()
                .city("92.0.0.0/24", "FJ", "East", -17.8, 179.0)
                .city("92.0.1.0/24", "FJ", "West", -17.8, -179.0)
                .writeTo(directory.resolve("city.mmdb"));

        GeoPoint fiji = build(city).pointOf("FJ").orElseThrow();

        assertThat(Math.abs(fiji.longitude())).isCloseTo(180.0, within(0.001));
        assertThat(fiji.latitude()).isCloseTo(-17.8, within(0.01));
    }

    @Test
    void maxMindCitySchemaInAnIpv6DatabaseIsReadFromItsIpv4Part() throws Exception {
        Path city = TestDatabases.geoLite2City()
                .city("81.2.69.0/24", "GB", "London", 51.5142, -0.0931)
                .city("2a02:ec80::/29", "GB", "Edinburgh", 55.95, -3.19) // IPv6: left out
                .writeTo(directory.resolve("GeoLite2-City.mmdb"));

        GeoPoint britain = build(city).pointOf("GB").orElseThrow();

        assertThat(britain).isEqualTo(new GeoPoint(51.5142, -0.0931));
    }

    @Test
    void requiredCountriesWithoutAddressesTakeTheSupplementsPointWithWeightZero() throws Exception {
        Path city = TestDatabases.flatCity().ipv4Only()
                .city("91.0.0.0/16", "DE", "Frankfurt am Main", 50.1109, 8.6821)
                .writeTo(directory.resolve("city.mmdb"));
        Path countries = TestDatabases.bundledCountry()
                .country("91.0.0.0/16", "DE")
                .country("196.0.0.0/24", "EH")
                .writeTo(directory.resolve("country.mmdb"));
        Path supplement = Files.writeString(directory.resolve("supplement.csv"), """
                # hand-entered
                country,latitude,longitude,note
                EH,27.1536,-13.2033,Western Sahara: Laayoune
                AN,12.1091,-68.9316,not required here
                """);
        Path output = directory.resolve("points.csv");

        int status = builder().run(new String[] {city.toString(), output.toString(),
                "--require-countries", countries.toString(), "--supplement", supplement.toString(), "--source", "test source"});

        assertThat(status).isZero();
        CountryReferencePoints points = CountryReferencePoints.load(output);
        assertThat(points.countryCodes()).containsExactly("DE", "EH");
        assertThat(points.pointOf("EH")).contains(new GeoPoint(27.1536, -13.2033));
        String csv = Files.readString(output);
        assertThat(csv).contains("EH,27.1536,-13.2033,0\n")
                .contains("# Source: test source\n")
                .contains("# Generated: 2026-07-08 by io.meridian.geoip.tools.ReferencePointsBuilder\n")
                .contains("(EH)")
                .contains("DE,50.1109,8.6821,65536\n");
    }

    @Test
    void aRequiredCountryWithoutAnyPointFailsAndWritesNothing() throws Exception {
        Path city = TestDatabases.flatCity().ipv4Only()
                .city("91.0.0.0/16", "DE", "Frankfurt am Main", 50.1109, 8.6821)
                .writeTo(directory.resolve("city.mmdb"));
        Path countries = TestDatabases.bundledCountry().country("196.0.0.0/24", "EH").writeTo(directory.resolve("c.mmdb"));
        Path output = directory.resolve("points.csv");

        int status = builder().run(new String[] {city.toString(), output.toString(), "--require-countries", countries.toString()});

        assertThat(status).isEqualTo(1);
        assertThat(output).doesNotExist();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no reference point for EH");
    }

    @Test
    void badArgumentsExitWithUsage() {
        assertThat(builder().run(new String[] {"only-one"})).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: ReferencePointsBuilder");
    }

    private CountryReferencePoints build(Path city) {
        Path output = directory.resolve("points.csv");
        int status = builder().run(new String[] {city.toString(), output.toString()});
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return CountryReferencePoints.load(output);
    }

    private ReferencePointsBuilder builder() {
        return new ReferencePointsBuilder(CLOCK, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
