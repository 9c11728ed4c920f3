package io.meridian.geoip.internal;

import com.maxmind.db.MaxMindDbParameter;
import org.jspecify.annotations.Nullable;

/**
 * One database record, decoded by MaxMind's reader, with the fields of every supported schema.
 * A field the database does not have stays {@code null}; a field this record does not name is
 * skipped by the decoder without being decoded.
 *
 * <ul>
 *   <li>MaxMind GeoIP2/GeoLite2 City and Country, and DB-IP Lite in MaxMind's schema:
 *       {@code country.iso_code}, {@code registered_country.iso_code},
 *       {@code location.latitude}, {@code location.longitude}</li>
 *   <li>ip-location-db's flat schema: {@code country_code}, {@code latitude}, {@code longitude}</li>
 *   <li>the bundled country database: {@code country_code}</li>
 * </ul>
 *
 * <p>Coordinates are {@link Number}s because schemas differ: MaxMind writes doubles,
 * ip-location-db writes floats, and the decoder converts neither.
 *
 * <p>Public only because the decoder instantiates it by reflection from another package.
 */
public record GeoRecord(
        @MaxMindDbParameter(name = "country") @Nullable Country country,
        @MaxMindDbParameter(name = "registered_country") @Nullable Country registeredCountry,
        @MaxMindDbParameter(name = "location") @Nullable Location location,
        @MaxMindDbParameter(name = "country_code") @Nullable String countryCode,
        @MaxMindDbParameter(name = "latitude") @Nullable Number latitude,
        @MaxMindDbParameter(name = "longitude") @Nullable Number longitude) {

    /** The country the record names: its own, else the registered one, else the flat code. */
    public @Nullable String anyCountryCode() {
        if (country != null && isCode(country.isoCode())) {
            return country.isoCode();
        }
        if (isCode(countryCode)) {
            return countryCode;
        }
        if (registeredCountry != null && isCode(registeredCountry.isoCode())) {
            return registeredCountry.isoCode();
        }
        return null;
    }

    /** The latitude the record holds, from {@code location} or the flat field. */
    public @Nullable Number anyLatitude() {
        return location != null && location.latitude() != null ? location.latitude() : latitude;
    }

    /** The longitude the record holds, from {@code location} or the flat field. */
    public @Nullable Number anyLongitude() {
        return location != null && location.longitude() != null ? location.longitude() : longitude;
    }

    private static boolean isCode(@Nullable String code) {
        return code != null && !code.isBlank();
    }

    /** MaxMind's {@code country} and {@code registered_country} maps. */
    public record Country(@MaxMindDbParameter(name = "iso_code") @Nullable String isoCode) {
    }

    /** MaxMind's {@code location} map. */
    public record Location(
            @MaxMindDbParameter(name = "latitude") @Nullable Number latitude,
            @MaxMindDbParameter(name = "longitude") @Nullable Number longitude) {
    }
}
