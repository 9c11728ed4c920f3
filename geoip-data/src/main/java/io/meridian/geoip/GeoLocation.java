package io.meridian.geoip;

import io.meridian.region.GeoPoint;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where an address is, and how that was found out.
 *
 * <p>The combinations are fixed by {@link Source}: a located answer always has a point, an
 * unlocated one never has. A {@link Source#NOT_FOUND} answer may still carry the country the
 * database named, when no reference point exists for it.
 *
 * @param countryCode ISO 3166-1 alpha-2 code in upper case, when the database named a country
 * @param point       the point to measure distances from, when known
 * @param source      how the answer was found
 */
public record GeoLocation(@Nullable String countryCode, @Nullable GeoPoint point, Source source) {

    /** How a {@link GeoLocation} was found. */
    public enum Source {
        /** The database holds coordinates for the address (a city database). */
        DATABASE_COORDINATES,
        /** The database names a country only; the point is that country's reference point. */
        COUNTRY_REFERENCE_POINT,
        /** The address is private, loopback, documentation or otherwise not routable on the internet. */
        RESERVED_RANGE,
        /** The database has nothing usable for the address. */
        NOT_FOUND
    }

    private static final GeoLocation RESERVED = new GeoLocation(null, null, Source.RESERVED_RANGE);

    private static final GeoLocation NOT_FOUND = new GeoLocation(null, null, Source.NOT_FOUND);

    public GeoLocation {
        Objects.requireNonNull(source, "source");
        if (countryCode != null) {
            countryCode = countryCode.toUpperCase(Locale.ROOT);
        }
        switch (source) {
            case DATABASE_COORDINATES -> requirePoint(point, source);
            case COUNTRY_REFERENCE_POINT -> {
                requirePoint(point, source);
                if (countryCode == null) {
                    throw new IllegalArgumentException("a COUNTRY_REFERENCE_POINT location needs a country code");
                }
            }
            case RESERVED_RANGE, NOT_FOUND -> {
                if (point != null) {
                    throw new IllegalArgumentException("a " + source + " location has no point, but was given " + point);
                }
                if (source == Source.RESERVED_RANGE && countryCode != null) {
                    throw new IllegalArgumentException(
                            "a RESERVED_RANGE location has no country, but was given '" + countryCode + "'");
                }
            }
        }
    }

    /** A location taken from the database's own coordinates. */
    public static GeoLocation ofCoordinates(@Nullable String countryCode, GeoPoint point) {
        return new GeoLocation(countryCode, point, Source.DATABASE_COORDINATES);
    }

    /** A location known only by its country, placed at that country's reference point. */
    public static GeoLocation ofCountry(String countryCode, GeoPoint referencePoint) {
        return new GeoLocation(countryCode, referencePoint, Source.COUNTRY_REFERENCE_POINT);
    }

    /** An address in a reserved range: never looked up, never located. */
    public static GeoLocation reserved() {
        return RESERVED;
    }

    /** An address the database knows nothing usable about. */
    public static GeoLocation notFound() {
        return NOT_FOUND;
    }

    /** An address whose country is known, but which has no point to measure from. */
    public static GeoLocation countryWithoutPoint(String countryCode) {
        return new GeoLocation(countryCode, null, Source.NOT_FOUND);
    }

    /** Whether the location has a point, i.e. a distance to a region can be measured. */
    public boolean isKnown() {
        return point != null;
    }

    private static void requirePoint(@Nullable GeoPoint point, Source source) {
        if (point == null) {
            throw new IllegalArgumentException("a " + source + " location needs a point");
        }
    }
}
