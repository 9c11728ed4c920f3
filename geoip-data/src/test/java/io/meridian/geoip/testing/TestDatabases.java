package io.meridian.geoip.testing;

import static io.meridian.geoip.testing.MmdbWriter.uint16;
import static io.meridian.geoip.testing.MmdbWriter.uint32;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small databases in each schema that Meridian reads, written by {@link MmdbWriter}:
 *
 * <ul>
 *   <li>{@link #geoLite2City()}: MaxMind's GeoLite2/GeoIP2 City schema ({@code country},
 *       {@code registered_country}, {@code location} maps), database type {@code GeoLite2-City};</li>
 *   <li>{@link #geoLite2Country()}: MaxMind's Country schema, type {@code GeoLite2-Country};</li>
 *   <li>{@link #flatCity()}: ip-location-db's flat city schema, as in its DB-IP city database
 *       ({@code country_code}, {@code state1}, {@code city}, {@code latitude}, {@code longitude},
 *       the coordinates as floats), type {@code city ipvAll};</li>
 *   <li>{@link #bundledCountry()}: the bundled database's schema ({@code country_code} only), type
 *       {@code country ipvAll};</li>
 *   <li>{@link #geoLite2Asn()}: MaxMind's ASN schema ({@code autonomous_system_number},
 *       {@code autonomous_system_organization}), type {@code GeoLite2-ASN}: a well-formed database
 *       without any location data, which Meridian must refuse.</li>
 * </ul>
 *
 * <p>Networks are CIDR strings, IPv4 or IPv6; a later network overrides the part of an earlier
 * one that it overlaps. Every database holds IPv6 networks unless {@link Builder#ipv4Only()} is
 * called.
 */
public final class TestDatabases {

    private TestDatabases() {
    }

    public static CityBuilder geoLite2City() {
        return new CityBuilder();
    }

    public static CountryBuilder geoLite2Country() {
        return new CountryBuilder();
    }

    public static FlatCityBuilder flatCity() {
        return new FlatCityBuilder();
    }

    public static BundledCountryBuilder bundledCountry() {
        return new BundledCountryBuilder();
    }

    public static AsnBuilder geoLite2Asn() {
        return new AsnBuilder();
    }

    /** What all the builders share: networks, build time, IP version, output. */
    public abstract static class Builder<B extends Builder<B>> {

        private final String databaseType;
        private final List<Map.Entry<String, Object>> networks = new ArrayList<>();
        private final Map<String, String> description = new LinkedHashMap<>();
        private Instant buildTime = Instant.parse("2026-01-01T00:00:00Z");
        private boolean ipv4Only;
        private boolean ipv4Aliases = true;
        private boolean languages;

        Builder(String databaseType) {
            this.databaseType = databaseType;
        }

        /** The {@code build_epoch} in the metadata. */
        public B buildTime(Instant buildTime) {
            this.buildTime = buildTime;
            return self();
        }

        /** An IPv4-only database ({@code ip_version} 4), like ip-location-db's {@code -ipv4} files. */
        public B ipv4Only() {
            this.ipv4Only = true;
            return self();
        }

        /**
         * Leaves out the aliases that make {@code ::ffff:a.b.c.d} and {@code 2002:ab:cd::} reach the
         * IPv4 networks (MaxMind's databases have them, other producers' may not).
         */
        public B withoutIpv4Aliases() {
            this.ipv4Aliases = false;
            return self();
        }

        /** Any record, for schemas and damages the typed methods do not cover. */
        public B network(String cidr, Map<String, ?> record) {
            networks.add(Map.entry(cidr, record));
            return self();
        }

        public byte[] toBytes() {
            MmdbWriter writer = ipv4Only ? MmdbWriter.ipv4(databaseType) : MmdbWriter.ipv6(databaseType);
            writer.buildTime(buildTime).aliasIpv4(ipv4Aliases);
            description.forEach(writer::description);
            if (languages) {
                writer.language("en");
            }
            networks.forEach(network -> writer.insert(network.getKey(), network.getValue()));
            return writer.toBytes();
        }

        /** Writes the database atomically to {@code file} and returns the path. */
        public Path writeTo(Path file) {
            return MmdbWriter.writeAtomically(file, toBytes());
        }

        B describedAs(String text, boolean withLanguages) {
            description.put("en", text);
            this.languages = withLanguages;
            return self();
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }
    }

    /** MaxMind's City schema. */
    public static final class CityBuilder extends Builder<CityBuilder> {

        CityBuilder() {
            super("GeoLite2-City");
            describedAs("GeoLite2 City test database", true);
        }

        /** A network located in a city: country, registered country and location. */
        public CityBuilder city(String cidr, String countryCode, String cityName, double latitude, double longitude) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("city", Map.of("geoname_id", uint32(geonameId(cityName)), "names", Map.of("en", cityName)));
            record.put("country", country(countryCode));
            record.put("location", Map.of(
                    "accuracy_radius", uint16(20),
                    "latitude", latitude,
                    "longitude", longitude));
            record.put("registered_country", country(countryCode));
            return network(cidr, record);
        }

        /** A network whose country is known but not its location, as GeoLite2 City has for many networks. */
        public CityBuilder countryOnly(String cidr, String countryCode) {
            return network(cidr, Map.of("country", country(countryCode), "registered_country", country(countryCode)));
        }

        /** A network with only a registered country (e.g. anycast or satellite ranges). */
        public CityBuilder registeredCountryOnly(String cidr, String countryCode) {
            return network(cidr, Map.of("registered_country", country(countryCode)));
        }
    }

    /** MaxMind's Country schema. */
    public static final class CountryBuilder extends Builder<CountryBuilder> {

        CountryBuilder() {
            super("GeoLite2-Country");
            describedAs("GeoLite2 Country test database", true);
        }

        public CountryBuilder country(String cidr, String countryCode) {
            return network(cidr, Map.of(
                    "continent", Map.of("code", "XX", "geoname_id", uint32(6_255_148), "names", Map.of("en", "Test")),
                    "country", TestDatabases.country(countryCode),
                    "registered_country", TestDatabases.country(countryCode)));
        }

        public CountryBuilder registeredCountryOnly(String cidr, String countryCode) {
            return network(cidr, Map.of("registered_country", TestDatabases.country(countryCode)));
        }
    }

    /** ip-location-db's flat city schema. */
    public static final class FlatCityBuilder extends Builder<FlatCityBuilder> {

        FlatCityBuilder() {
            super("city ipvAll");
        }

        /** A located network; the coordinates are stored as floats, as ip-location-db does. */
        public FlatCityBuilder city(String cidr, String countryCode, String cityName, double latitude, double longitude) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("city", cityName);
            record.put("country_code", countryCode);
            record.put("latitude", (float) latitude);
            record.put("longitude", (float) longitude);
            record.put("postcode", "");
            record.put("state1", "");
            record.put("state2", "");
            record.put("timezone", "");
            return network(cidr, record);
        }

        /** A network with a country and no coordinates. */
        public FlatCityBuilder countryOnly(String cidr, String countryCode) {
            return network(cidr, Map.of("country_code", countryCode, "city", ""));
        }
    }

    /** The bundled database's schema. */
    public static final class BundledCountryBuilder extends Builder<BundledCountryBuilder> {

        BundledCountryBuilder() {
            super("country ipvAll");
        }

        public BundledCountryBuilder country(String cidr, String countryCode) {
            return network(cidr, Map.of("country_code", countryCode));
        }
    }

    /** MaxMind's ASN schema: who routes a network, not where it is. */
    public static final class AsnBuilder extends Builder<AsnBuilder> {

        AsnBuilder() {
            super("GeoLite2-ASN");
            describedAs("GeoLite2 ASN test database", true);
        }

        public AsnBuilder asn(String cidr, long number, String organization) {
            return network(cidr, Map.of("autonomous_system_number", uint32(number),
                    "autonomous_system_organization", organization));
        }
    }

    private static Map<String, Object> country(String isoCode) {
        String name = Locale.of("", isoCode).getDisplayCountry(Locale.ENGLISH);
        return Map.of("geoname_id", uint32(geonameId(isoCode)), "iso_code", isoCode, "names", Map.of("en", name));
    }

    /** A stable made-up GeoNames id: tests need the field's type, not a real id. */
    private static long geonameId(String name) {
        return Integer.toUnsignedLong(name.hashCode()) % 10_000_000;
    }
}
