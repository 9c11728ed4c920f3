package io.meridian.geoip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

import io.meridian.geoip.GeoLocation.Source;
import io.meridian.geoip.testing.MmdbWriter;
import io.meridian.geoip.testing.TestDatabases;
import io.meridian.region.GeoPoint;
import io.meridian.testing.MutableClock;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoIpDatabaseTests {

    private static final CountryReferencePoints POINTS = CountryReferencePoints.bundled();

    @TempDir
    Path directory;

    @Test
    void cityDatabaseCoordinatesWinOverTheCountryReferencePoint() throws Exception {
        Path file = TestDatabases.geoLite2City()
                .city("81.2.69.0/24", "GB", "London", 51.5142, -0.0931)
                .writeTo(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            GeoLocation location = database.locate(address("81.2.69.160"));

            assertThat(location).isEqualTo(GeoLocation.ofCoordinates("GB", new GeoPoint(51.5142, -0.0931)));
            assertThat(location.point()).isNotEqualTo(POINTS.pointOf("GB").orElseThrow());
        }
    }

    @Test
    void cityDatabaseNetworkWithoutLocationIsPlacedAtItsCountrysReferencePoint() throws Exception {
        Path file = TestDatabases.geoLite2City()
                .countryOnly("2a02:ec80::/29", "DE")
                .writeTo(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            assertThat(database.locate(address("2a02:ec80::1")))
                    .isEqualTo(GeoLocation.ofCountry("DE", POINTS.pointOf("DE").orElseThrow()));
        }
    }

    @Test
    void registeredCountryStandsInWhenTheCountryIsMissing() throws Exception {
        Path file = TestDatabases.geoLite2City()
                .registeredCountryOnly("81.2.70.0/24", "SE")
                .writeTo(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            GeoLocation location = database.locate(address("81.2.70.1"));

            assertThat(location.source()).isEqualTo(Source.COUNTRY_REFERENCE_POINT);
            assertThat(location.countryCode()).isEqualTo("SE");
        }
    }

    @Test
    void countryDatabaseAnswersTheCountrysReferencePoint() throws Exception {
        Path file = TestDatabases.geoLite2Country()
                .country("1.0.0.0/8", "AU")
                .country("2001:200::/23", "JP")
                .writeTo(directory.resolve("country.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            assertThat(database.locate(address("1.1.1.1")))
                    .isEqualTo(GeoLocation.ofCountry("AU", POINTS.pointOf("AU").orElseThrow()));
            assertThat(database.locate(address("2001:200::1")))
                    .isEqualTo(GeoLocation.ofCountry("JP", POINTS.pointOf("JP").orElseThrow()));
            assertThat(database.info().databaseType()).isEqualTo("GeoLite2-Country");
        }
    }

    @Test
    void flatCitySchemaGivesItsFloatCoordinates() throws Exception {
        Path file = TestDatabases.flatCity()
                .city("5.255.255.0/24", "RU", "Moscow", 55.7342, 37.5859)
                .countryOnly("5.254.0.0/24", "RU")
                .ipv4Only()
                .writeTo(directory.resolve("dbip-city-ipv4.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            GeoLocation moscow = database.locate(address("5.255.255.5"));
            assertThat(moscow.source()).isEqualTo(Source.DATABASE_COORDINATES);
            assertThat(moscow.countryCode()).isEqualTo("RU");
            assertThat(moscow.point().latitude()).isCloseTo(55.7342, within(1e-5));
            assertThat(moscow.point().longitude()).isCloseTo(37.5859, within(1e-5));

            assertThat(database.locate(address("5.254.0.1")))
                    .isEqualTo(GeoLocation.ofCountry("RU", POINTS.pointOf("RU").orElseThrow()));
        }
    }

    @Test
    void bundledSchemaAnswersTheCountrysReferencePoint() throws Exception {
        Path file = TestDatabases.bundledCountry()
                .country("80.128.0.0/11", "DE")
                .writeTo(directory.resolve("country.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            assertThat(database.locate(address("80.130.1.1")))
                    .isEqualTo(GeoLocation.ofCountry("DE", POINTS.pointOf("DE").orElseThrow()));
        }
    }

    @Test
    void countryWithoutAReferencePointIsNotFoundButNamed() throws Exception {
        Path file = TestDatabases.bundledCountry()
                .country("80.128.0.0/11", "ZZ")
                .writeTo(directory.resolve("country.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            GeoLocation location = database.locate(address("80.130.1.1"));

            assertThat(location).isEqualTo(GeoLocation.countryWithoutPoint("ZZ"));
            assertThat(location.isKnown()).isFalse();
        }
    }

    @Test
    void addressWithoutARecordIsNotFound() throws Exception {
        Path file = TestDatabases.bundledCountry()
                .country("80.128.0.0/11", "DE")
                .writeTo(directory.resolve("country.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            assertThat(database.locate(address("81.0.0.1"))).isEqualTo(GeoLocation.notFound());
            assertThat(database.locate(address("2a00::1"))).isEqualTo(GeoLocation.notFound());
        }
    }

    @Test
    void recordWithUnexpectedFieldTypesIsNotFoundInsteadOfFailing() throws Exception {
        TestDatabases.BundledCountryBuilder builder = TestDatabases.bundledCountry();
        for (int i = 0; i < 20; i++) { // opening decodes the first records; the odd one comes later
            builder.country("1.0." + i + ".0/24", i % 2 == 0 ? "AU" : "NZ");
        }
        Path file = builder
                .network("80.128.0.0/11", Map.of("country_code", Map.of("oops", "DE"), "latitude", "north"))
                .country("80.160.0.0/11", "DE")
                .writeTo(directory.resolve("odd.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            assertThat(database.locate(address("80.130.1.1"))).isEqualTo(GeoLocation.notFound());
            assertThat(database.locate(address("80.170.1.1")).countryCode()).isEqualTo("DE");
            assertThat(database.lookupFailures()).as("failed lookups counted").isEqualTo(1);
        }
    }

    @Test
    void databaseInAnUnsupportedSchemaIsRejectedWhenOpened() throws Exception {
        Path file = TestDatabases.bundledCountry()
                .network("80.0.0.0/8", Map.of("country", "DE"))
                .writeTo(directory.resolve("other.mmdb"));

        assertThatExceptionOfType(GeoIpDatabaseException.class)
                .isThrownBy(() -> open(file))
                .withMessageStartingWith("GeoIP database " + file.toAbsolutePath() + " has records in an unsupported schema");
    }

    @Test
    void asnDatabaseWithoutLocationDataIsRefusedWhenOpenedWithOneLineNamingItsType() throws Exception {
        Path file = TestDatabases.geoLite2Asn()
                .asn("8.8.8.0/24", 15169, "GOOGLE")
                .asn("81.2.69.0/24", 20712, "Andrews & Arnold Ltd")
                .asn("2001:4860::/32", 15169, "GOOGLE")
                .writeTo(directory.resolve("GeoLite2-ASN.mmdb"));

        assertThatExceptionOfType(GeoIpDatabaseException.class)
                .isThrownBy(() -> open(file))
                .withMessageStartingWith("GeoIP database " + file.toAbsolutePath() + " (type 'GeoLite2-ASN') holds no location data")
                .withMessageNotContaining("\n");
    }

    @Test
    void databaseWhoseFirstRecordsLackLocationButLaterOnesHaveItIsAccepted() throws Exception {
        TestDatabases.BundledCountryBuilder builder = TestDatabases.bundledCountry();
        for (int i = 0; i < 40; i++) { // past the records decoded for validation
            builder.network("1.0." + i + ".0/24", Map.of("asn", "AS" + i));
        }
        Path file = builder.country("80.0.0.0/8", "DE").writeTo(directory.resolve("sparse.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            assertThat(database.locate(address("80.1.1.1")).countryCode()).isEqualTo("DE");
            assertThat(database.locate(address("1.0.3.1"))).isEqualTo(GeoLocation.notFound());
        }
    }

    @Test
    void ipv6AddressInAnIpv4OnlyDatabaseIsNotFound() throws Exception {
        // Without the guard, MaxMind's reader walks the IPv4 tree with the IPv6 address's first
        // bits: 2a00:1450::1 starts like 42.0.0.0 and would be answered KR.
        Path file = TestDatabases.bundledCountry()
                .country("42.0.0.0/8", "KR")
                .ipv4Only()
                .writeTo(directory.resolve("ipv4.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            assertThat(database.info().ipVersion()).isEqualTo(4);
            assertThat(database.locate(address("42.1.2.3")).countryCode()).isEqualTo("KR");
            assertThat(database.locate(address("2a00:1450::1"))).isEqualTo(GeoLocation.notFound());
            assertThat(database.locate(mappedIpv6("42.1.2.3")).countryCode()).isEqualTo("KR");
        }
    }

    @Test
    void reservedAddressesAreAnsweredWithoutAskingTheDatabase() throws Exception {
        // a database that (wrongly) places private and documentation space must not be believed
        Path file = TestDatabases.geoLite2City()
                .city("10.0.0.0/8", "DE", "Berlin", 52.52, 13.405)
                .city("2001:db8::/32", "DE", "Berlin", 52.52, 13.405)
                .city("192.0.2.0/24", "DE", "Berlin", 52.52, 13.405)
                .writeTo(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            assertThat(database.locate(address("10.1.2.3"))).isEqualTo(GeoLocation.reserved());
            assertThat(database.locate(address("2001:db8::1"))).isEqualTo(GeoLocation.reserved());
            assertThat(database.locate(address("192.0.2.44"))).isEqualTo(GeoLocation.reserved());
            assertThat(database.locate(mappedIpv6("10.1.2.3"))).isEqualTo(GeoLocation.reserved());
            assertThat(database.locate(address("127.0.0.1")).isKnown()).isFalse();
        }
    }

    @Test
    void ipv4MappedIpv6AddressIsLookedUpAsItsIpv4Address() throws Exception {
        Path file = TestDatabases.geoLite2City()
                .withoutIpv4Aliases()
                .city("81.2.69.0/24", "GB", "London", 51.5142, -0.0931)
                .writeTo(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = open(file)) {
            assertThat(database.locate(mappedIpv6("81.2.69.160")))
                    .isEqualTo(database.locate(address("81.2.69.160")))
                    .extracting(GeoLocation::countryCode).isEqualTo("GB");
        }
    }

    @Test
    void repeatedLookupsAreAnsweredFromTheCache() throws Exception {
        Path file = TestDatabases.geoLite2City()
                .city("81.2.69.0/24", "GB", "London", 51.5142, -0.0931)
                .writeTo(directory.resolve("city.mmdb"));

        try (GeoIpDatabase cached = open(file);
             GeoIpDatabase uncached = GeoIpDatabase.open(options(file).withCacheSize(0))) {
            assertThat(cached.locate(address("81.2.69.160"))).isSameAs(cached.locate(address("81.2.69.160")));
            assertThat(uncached.locate(address("81.2.69.160")))
                    .isEqualTo(uncached.locate(address("81.2.69.160")))
                    .isNotSameAs(uncached.locate(address("81.2.69.160")));
        }
    }

    @Test
    void infoDescribesTheFileBeingServed() throws Exception {
        Path file = TestDatabases.geoLite2City()
                .buildTime(Instant.parse("2026-05-01T10:00:00Z"))
                .city("81.2.69.0/24", "GB", "London", 51.5142, -0.0931)
                .writeTo(directory.resolve("city.mmdb"));
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));

        try (GeoIpDatabase database = GeoIpDatabase.open(options(file).withClock(clock))) {
            assertThat(database.info()).isEqualTo(new DatabaseInfo(file.toAbsolutePath().toString(), "GeoLite2-City",
                    Instant.parse("2026-05-01T10:00:00Z"), 6, Instant.parse("2026-06-01T12:00:00Z")));
        }
    }

    @Test
    void openingAMissingFileFailsWithOneLineNamingIt() {
        Path missing = directory.resolve("nope.mmdb");

        assertThatExceptionOfType(GeoIpDatabaseException.class)
                .isThrownBy(() -> GeoIpDatabase.open(options(missing)))
                .withMessage("GeoIP database " + missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void openingAFileThatIsNotAMaxMindDatabaseFailsWithOneLineNamingIt() throws Exception {
        Path text = Files.writeString(directory.resolve("notes.mmdb"), "just some text\nover two lines\n");

        assertThatExceptionOfType(GeoIpDatabaseException.class)
                .isThrownBy(() -> GeoIpDatabase.open(options(text)))
                .withMessageStartingWith("GeoIP database " + text.toAbsolutePath() + " is not a usable MaxMind DB file: ")
                .withMessageNotContaining("\n");
    }

    @Test
    void openingATruncatedDatabaseFails() throws Exception {
        byte[] whole = TestDatabases.bundledCountry().country("80.0.0.0/8", "DE").toBytes();
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        Path truncated = Files.write(directory.resolve("half.mmdb"), half);

        assertThatExceptionOfType(GeoIpDatabaseException.class)
                .isThrownBy(() -> GeoIpDatabase.open(options(truncated)))
                .withMessageContaining(truncated.toAbsolutePath().toString());
    }

    @Test
    void openingADirectoryFails() {
        assertThatExceptionOfType(GeoIpDatabaseException.class)
                .isThrownBy(() -> GeoIpDatabase.open(options(directory)))
                .withMessage("GeoIP database " + directory.toAbsolutePath() + " is not a regular file");
    }

    @Test
    void aClosedDatabaseStillAnswersWithoutThrowing() throws Exception {
        Path file = TestDatabases.bundledCountry().country("80.0.0.0/8", "DE").writeTo(directory.resolve("c.mmdb"));
        GeoIpDatabase database = open(file);

        database.close();
        database.close();

        assertThat(database.locate(address("80.1.1.1"))).isEqualTo(GeoLocation.notFound());
        assertThat(database.locate(address("10.0.0.1"))).isEqualTo(GeoLocation.reserved());
        assertThat(database.currentGeneration().isReaderClosed()).isTrue();
        assertThat(database.reloadIfChanged()).isFalse();
    }

    private static GeoIpDatabase open(Path file) {
        return GeoIpDatabase.open(options(file));
    }

    static GeoIpOptions options(Path file) {
        return GeoIpOptions.forFile(file).withReloadInterval(Duration.ZERO);
    }

    static InetAddress address(String literal) {
        return Cidr.literal(literal);
    }

    /** A genuine IPv6 object for ::ffff:a.b.c.d; parsing the literal would yield an Inet4Address. */
    static InetAddress mappedIpv6(String ipv4) throws Exception {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(address(ipv4).getAddress(), 0, bytes, 12, 4);
        return Inet6Address.getByAddress(null, bytes, -1);
    }
}
