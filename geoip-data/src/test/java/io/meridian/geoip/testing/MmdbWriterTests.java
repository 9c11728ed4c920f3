package io.meridian.geoip.testing;

import static io.meridian.geoip.testing.MmdbWriter.uint128;
import static io.meridian.geoip.testing.MmdbWriter.uint16;
import static io.meridian.geoip.testing.MmdbWriter.uint32;
import static io.meridian.geoip.testing.MmdbWriter.uint64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import com.maxmind.db.Metadata;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.model.CountryResponse;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MmdbWriterTests {

    @TempDir
    Path directory;

    @Test
    void geoLite2CityDatabaseIsReadByMaxMindsOwnGeoIp2Reader() throws Exception {
        Path file = TestDatabases.geoLite2City()
                .city("81.2.69.0/24", "GB", "London", 51.5142, -0.0931)
                .city("2a02:ec80::/29", "DE", "Frankfurt am Main", 50.1109, 8.6821)
                .registeredCountryOnly("81.2.70.0/24", "SE")
                .writeTo(directory.resolve("GeoLite2-City.mmdb"));

        try (DatabaseReader reader = new DatabaseReader.Builder(file.toFile()).build()) {
            CityResponse london = reader.city(InetAddress.getByName("81.2.69.160"));
            assertThat(london.country().isoCode()).isEqualTo("GB");
            assertThat(london.country().name()).isEqualTo("United Kingdom");
            assertThat(london.city().name()).isEqualTo("London");
            assertThat(london.location().latitude()).isEqualTo(51.5142);
            assertThat(london.location().longitude()).isEqualTo(-0.0931);
            assertThat(london.location().accuracyRadius()).isEqualTo(20);
            assertThat(london.registeredCountry().isoCode()).isEqualTo("GB");

            CityResponse frankfurt = reader.city(InetAddress.getByName("2a02:ec80::1"));
            assertThat(frankfurt.country().isoCode()).isEqualTo("DE");
            assertThat(frankfurt.location().latitude()).isEqualTo(50.1109);

            CityResponse registeredOnly = reader.city(InetAddress.getByName("81.2.70.1"));
            assertThat(registeredOnly.country().isoCode()).isNull();
            assertThat(registeredOnly.registeredCountry().isoCode()).isEqualTo("SE");

            assertThat(reader.metadata().databaseType()).isEqualTo("GeoLite2-City");
            assertThat(reader.tryCity(InetAddress.getByName("81.2.71.1"))).isEmpty();
        }
    }

    @Test
    void geoLite2CountryDatabaseIsReadByMaxMindsOwnGeoIp2Reader() throws Exception {
        Path file = TestDatabases.geoLite2Country()
                .country("1.0.0.0/8", "AU")
                .country("2001:200::/23", "JP")
                .registeredCountryOnly("1.2.3.0/24", "CN")
                .writeTo(directory.resolve("GeoLite2-Country.mmdb"));

        try (DatabaseReader reader = new DatabaseReader.Builder(file.toFile()).build()) {
            CountryResponse australia = reader.country(InetAddress.getByName("1.1.1.1"));
            assertThat(australia.country().isoCode()).isEqualTo("AU");
            assertThat(reader.country(InetAddress.getByName("2001:200::1")).country().isoCode()).isEqualTo("JP");
            CountryResponse registered = reader.country(InetAddress.getByName("1.2.3.4"));
            assertThat(registered.country().isoCode()).isNull();
            assertThat(registered.registeredCountry().isoCode()).isEqualTo("CN");
        }
    }

    @Test
    void everyValueTypeDecodesToWhatWasWritten() throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("utf8", "Zürich – 東京");
        record.put("double", -33.8688);
        record.put("float", 151.209f);
        record.put("true", true);
        record.put("false", false);
        record.put("int32", -123_456);
        record.put("uint16", uint16(65_535));
        record.put("uint32", uint32(4_294_967_295L));
        record.put("uint64", uint64(new BigInteger("18446744073709551615")));
        record.put("uint128", uint128(BigInteger.TWO.pow(128).subtract(BigInteger.ONE)));
        record.put("zero", uint32(0));
        record.put("bytes", new byte[] {1, 2, 3});
        record.put("array", List.of("a", 1.5, List.of(true)));
        record.put("nested", Map.of("deeper", Map.of("deepest", "x")));
        record.put("long string", "x".repeat(300));
        record.put("longer string", "y".repeat(70_000));
        byte[] database = MmdbWriter.ipv6("Test").insert("10.0.0.0/8", record).toBytes();

        try (Reader reader = new Reader(new ByteArrayInputStream(database))) {
            Map<?, ?> decoded = reader.get(InetAddress.getByName("10.1.2.3"), Map.class);

            assertThat(decoded.get("utf8")).isEqualTo("Zürich – 東京");
            assertThat(decoded.get("double")).isEqualTo(-33.8688);
            assertThat(decoded.get("float")).isEqualTo(151.209f);
            assertThat(decoded.get("true")).isEqualTo(true);
            assertThat(decoded.get("false")).isEqualTo(false);
            assertThat(decoded.get("int32")).isEqualTo(-123_456);
            assertThat(decoded.get("uint16")).isEqualTo(65_535);
            assertThat(decoded.get("uint32")).isEqualTo(4_294_967_295L);
            assertThat(decoded.get("uint64")).isEqualTo(new BigInteger("18446744073709551615"));
            assertThat(decoded.get("uint128")).isEqualTo(BigInteger.TWO.pow(128).subtract(BigInteger.ONE));
            assertThat(decoded.get("zero")).isEqualTo(0L);
            assertThat((byte[]) decoded.get("bytes")).containsExactly(1, 2, 3);
            assertThat(decoded.get("array")).isEqualTo(List.of("a", 1.5, List.of(true)));
            assertThat(decoded.get("nested")).isEqualTo(Map.of("deeper", Map.of("deepest", "x")));
            assertThat(decoded.get("long string")).isEqualTo("x".repeat(300));
            assertThat(decoded.get("longer string")).isEqualTo("y".repeat(70_000));
        }
    }

    @Test
    void metadataSaysWhatTheDatabaseIs() throws Exception {
        byte[] database = MmdbWriter.ipv4("Meridian-Test")
                .buildTime(Instant.parse("2026-03-04T05:06:07Z"))
                .description("en", "a test")
                .language("en")
                .language("de")
                .insert("1.0.0.0/24", Map.of("k", "v"))
                .toBytes();

        try (Reader reader = new Reader(new ByteArrayInputStream(database))) {
            Metadata metadata = reader.getMetadata();
            assertThat(metadata.databaseType()).isEqualTo("Meridian-Test");
            assertThat(metadata.buildTime()).isEqualTo(Instant.parse("2026-03-04T05:06:07Z"));
            assertThat(metadata.ipVersion()).isEqualTo(4);
            assertThat(metadata.description()).containsEntry("en", "a test");
            assertThat(metadata.languages()).containsExactly("en", "de");
            assertThat(metadata.binaryFormatMajorVersion()).isEqualTo(2);
            assertThat(metadata.recordSize()).isEqualTo(24);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 28, 32})
    void everyRecordSizeAnswersTheSame(int recordSize) throws Exception {
        MmdbWriter writer = MmdbWriter.ipv6("Test").recordSize(recordSize);
        for (int i = 0; i < 300; i++) {
            writer.insert("2001:db8:" + Integer.toHexString(i) + "::/48", Map.of("n", uint32(i)));
            writer.insert("10." + i / 256 + "." + i % 256 + ".0/24", Map.of("n", uint32(1_000 + i)));
        }

        try (Reader reader = new Reader(new ByteArrayInputStream(writer.toBytes()))) {
            assertThat(reader.getMetadata().recordSize()).isEqualTo(recordSize);
            for (int i = 0; i < 300; i++) {
                assertThat(reader.get(InetAddress.getByName("2001:db8:" + Integer.toHexString(i) + "::1"), Map.class))
                        .containsEntry("n", (long) i);
                assertThat(reader.get(InetAddress.getByName("10." + i / 256 + "." + i % 256 + ".9"), Map.class))
                        .containsEntry("n", 1_000L + i);
            }
        }
    }

    @Test
    void pointersMakeTheFileSmallerAndDecodeTheSame() throws Exception {
        MmdbWriter withPointers = MmdbWriter.ipv6("Test");
        MmdbWriter inline = MmdbWriter.ipv6("Test").usePointers(false);
        for (int i = 0; i < 50; i++) {
            Map<String, Object> record = Map.of("country", Map.of("iso_code", "DE", "names", Map.of("en", "Germany")),
                    "serial", uint32(i));
            withPointers.insert("11.0." + i + ".0/24", record);
            inline.insert("11.0." + i + ".0/24", record);
        }
        byte[] small = withPointers.toBytes();
        byte[] large = inline.toBytes();

        assertThat(small.length).isLessThan(large.length);
        try (Reader a = new Reader(new ByteArrayInputStream(small)); Reader b = new Reader(new ByteArrayInputStream(large))) {
            for (int i = 0; i < 50; i++) {
                InetAddress address = InetAddress.getByName("11.0." + i + ".7");
                assertThat(a.get(address, Map.class)).isEqualTo(b.get(address, Map.class)).containsEntry("serial", (long) i);
            }
        }
    }

    @Test
    void aLaterNetworkReplacesThePartOfAnEarlierOneItOverlaps() throws Exception {
        byte[] database = MmdbWriter.ipv6("Test")
                .insert("20.0.0.0/8", Map.of("v", "wide"))
                .insert("20.1.0.0/16", Map.of("v", "narrow"))
                .toBytes();

        try (Reader reader = new Reader(new ByteArrayInputStream(database))) {
            assertThat(reader.get(InetAddress.getByName("20.0.255.255"), Map.class)).containsEntry("v", "wide");
            assertThat(reader.get(InetAddress.getByName("20.1.0.0"), Map.class)).containsEntry("v", "narrow");
            assertThat(reader.get(InetAddress.getByName("20.2.0.0"), Map.class)).containsEntry("v", "wide");
            assertThat(reader.getRecord(InetAddress.getByName("20.2.0.0"), Map.class).network().prefixLength()).isEqualTo(15);
            assertThat(reader.get(InetAddress.getByName("21.0.0.0"), Map.class)).isNull();
        }
    }

    @Test
    void ipv4MappedAndSixToFourAddressesReachTheIpv4NetworksButAreNotListedTwice() throws Exception {
        byte[] database = MmdbWriter.ipv6("Test")
                .insert("1.2.3.0/24", Map.of("v", "ipv4"))
                .insert("2400::/12", Map.of("v", "ipv6"))
                .toBytes();

        try (Reader reader = new Reader(new ByteArrayInputStream(database))) {
            assertThat(reader.get(v6("::ffff:1.2.3.4"), Map.class)).containsEntry("v", "ipv4");
            assertThat(reader.get(v6("2002:102:304::1"), Map.class)).containsEntry("v", "ipv4");
            List<String> networks = new ArrayList<>();
            Networks<Map> iterator = reader.networks(false, Map.class);
            iterator.forEachRemaining(entry -> networks.add(entry.network().toString()));
            assertThat(networks).containsExactlyInAnyOrder("1.2.3.0/24", "2400:0:0:0:0:0:0:0/12");
        }
    }

    @Test
    void rejectsWhatTheFormatCannotHold() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> MmdbWriter.ipv6("Test").insert("1.0.0.0/8", Map.of("when", Instant.EPOCH)))
                .withMessageContaining("no type for");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> MmdbWriter.ipv4("Test").insert("2001:db8::/32", Map.of("k", "v")))
                .withMessageContaining("IPv4 database cannot hold");
        assertThatIllegalArgumentException().isThrownBy(() -> uint16(70_000));
    }

    record Network(int address, int prefix, int value) {
        boolean contains(int probe) {
            return prefix == 0 || (address ^ probe) >>> (32 - prefix) == 0;
        }
    }

    @Provide
    Arbitrary<List<Network>> networks() {
        Arbitrary<Network> network = Combinators.combine(
                        Arbitraries.integers().between(0, 255), // first octet, so that networks overlap often
                        Arbitraries.integers(), Arbitraries.integers().between(1, 32))
                .as((first, rest, prefix) -> {
                    int address = (first << 24) | (rest & 0x00FF_FFFF);
                    int masked = prefix == 32 ? address : address & (-1 << (32 - prefix));
                    return new Network(masked, prefix, 0);
                });
        return network.list().ofMinSize(1).ofMaxSize(40).map(list -> {
            List<Network> numbered = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                numbered.add(new Network(list.get(i).address(), list.get(i).prefix(), i));
            }
            return numbered;
        });
    }

    @Property(tries = 200)
    void aLookupFindsTheLastInsertedNetworkThatHoldsTheAddress(@ForAll("networks") List<Network> networks,
                                                              @ForAll @Size(max = 20) List<Integer> randomProbes,
                                                              @ForAll @IntRange(min = 0, max = 2) int recordSizeChoice)
            throws Exception {
        MmdbWriter writer = MmdbWriter.ipv6("Test").recordSize(List.of(24, 28, 32).get(recordSizeChoice));
        for (Network network : networks) {
            writer.insert(ipv4(network.address()), network.prefix(), Map.of("v", uint32(network.value())));
        }
        List<Integer> probes = new ArrayList<>(randomProbes);
        networks.forEach(network -> {
            probes.add(network.address());
            probes.add(network.address() | (network.prefix() == 32 ? 0 : -1 >>> network.prefix()));
        });

        try (Reader reader = new Reader(new ByteArrayInputStream(writer.toBytes()))) {
            for (int probe : probes) {
                Long expected = null;
                for (Network network : networks) {
                    if (network.contains(probe)) {
                        expected = (long) network.value();
                    }
                }
                Map<?, ?> found = reader.get(ipv4(probe), Map.class);
                assertThat(found == null ? null : found.get("v")).as(ipv4(probe).getHostAddress()).isEqualTo(expected);
            }
        }
    }

    @Test
    void coordinatesSurviveAsFloatsInTheFlatSchema() throws Exception {
        byte[] database = TestDatabases.flatCity().city("5.255.255.0/24", "RU", "Moscow", 55.7342, 37.5859).toBytes();

        try (Reader reader = new Reader(new ByteArrayInputStream(database))) {
            Map<?, ?> record = reader.get(InetAddress.getByName("5.255.255.5"), Map.class);
            assertThat(record.get("country_code")).isEqualTo("RU");
            assertThat(record.get("latitude")).isInstanceOf(Float.class);
            assertThat(((Float) record.get("latitude")).doubleValue()).isCloseTo(55.7342, within(1e-5));
        }
    }

    private static InetAddress ipv4(int address) throws Exception {
        return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(address).array());
    }

    private static InetAddress v6(String literal) throws Exception {
        return Inet6Address.getByAddress(null, InetAddress.getByName(literal).getAddress().length == 16
                ? InetAddress.getByName(literal).getAddress()
                : mapped(InetAddress.getByName(literal).getAddress()), -1);
    }

    private static byte[] mapped(byte[] ipv4) {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
        return bytes;
    }
}
