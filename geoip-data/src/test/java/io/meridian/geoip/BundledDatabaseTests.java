package io.meridian.geoip;

import static io.meridian.geoip.GeoIpDatabaseTests.address;
import static io.meridian.geoip.GeoIpDatabaseTests.mappedIpv6;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.geoip.GeoLocation.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lookups in the real bundled database. Every address below belongs to a large, long-standing
 * allocation whose registry country was checked in the bundled file.
 */
class BundledDatabaseTests {

    private static GeoIpDatabase database;

    @BeforeAll
    static void open() {
        database = GeoIpDatabase.open(GeoIpOptions.defaults());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @ParameterizedTest(name = "{0} is in {1} ({2})")
    @CsvSource({
            // Europe
            "80.128.0.1, DE, Deutsche Telekom",
            "217.224.0.1, DE, Deutsche Telekom",
            "77.88.8.8, RU, Yandex DNS",
            "2003::1, DE, Deutsche Telekom",
            "2a01:4f8::1, DE, Hetzner",
            "2a02:6b8::1, RU, Yandex",
            // Asia
            "165.21.1.1, SG, SingNet (Singtel)",
            "203.125.1.1, SG, Singtel",
            "2401:7400::1, SG, Singtel",
            "202.12.27.33, JP, WIDE project (M root server)",
            "2400:4000::1, JP, KDDI",
            "49.44.0.1, IN, Reliance Jio",
            "114.114.114.114, CN, 114DNS",
            "240e::1, CN, China Telecom",
            // North America
            "8.8.8.8, US, Google Public DNS",
            "2001:4860:4860::8888, US, Google Public DNS",
            "2600::1, US, Sprint",
            "24.114.0.1, CA, Rogers",
            "189.128.0.1, MX, Telmex",
            // South America
            "200.160.0.1, BR, NIC.br",
            "2001:1280::1, BR, RNP",
            "181.0.0.1, AR, Argentina",
            "2001:1388::1, PE, Telefonica del Peru",
            // Africa
            "196.25.1.1, ZA, Telkom SA",
            "2001:4200::1, ZA, South Africa",
            "41.203.64.1, NG, Nigeria",
            "197.156.64.1, ET, Ethio Telecom",
            // Oceania
            "139.130.4.5, AU, Telstra",
            "2001:44b8::1, AU, Internode",
            "202.27.184.3, NZ, New Zealand",
    })
    void locatesAddressesOnEveryContinentInTheirRegistryCountry(String ip, String country, String holder) {
        GeoLocation location = database.locate(address(ip));

        assertThat(location.countryCode()).as(holder).isEqualTo(country);
        assertThat(location.source()).isEqualTo(Source.COUNTRY_REFERENCE_POINT);
        assertThat(location.point()).isEqualTo(CountryReferencePoints.bundled().pointOf(country).orElseThrow());
    }

    @Test
    void ipv4MappedFormIsLocatedLikeTheIpv4Address() throws Exception {
        assertThat(database.locate(mappedIpv6("8.8.8.8"))).isEqualTo(database.locate(address("8.8.8.8")));
    }

    @Test
    void unallocatedSpaceIsNotFound() {
        // part of AFRINIC's IPv6 pool that is not assigned to anyone in this release
        assertThat(database.locate(address("2c0f:f400::1"))).isEqualTo(GeoLocation.notFound());
    }

    @Test
    void privateAddressIsReservedNotLookedUp() {
        assertThat(database.locate(address("192.168.1.1"))).isEqualTo(GeoLocation.reserved());
    }

    @Test
    void infoDescribesTheBundledDatabaseAsItsAttributionDoes() throws IOException {
        DatabaseInfo info = database.info();

        assertThat(info.source()).isEqualTo("bundled");
        assertThat(info.databaseType()).isEqualTo("country ipvAll");
        assertThat(info.ipVersion()).isEqualTo(6);
        assertThat(info.buildTime()).isEqualTo(attributedBuildTime());
    }

    private static Instant attributedBuildTime() throws IOException {
        try (InputStream in = BundledDatabaseTests.class.getClassLoader()
                .getResourceAsStream("meridian/geoip/ATTRIBUTION.md")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher matcher = Pattern.compile("Bundled database build time: (\\S+)").matcher(text);
            assertThat(matcher.find()).as("ATTRIBUTION.md states the bundled database's build time").isTrue();
            return Instant.parse(matcher.group(1));
        }
    }
}
