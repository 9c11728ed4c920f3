package io.meridian.geoip;

import io.meridian.geoip.internal.GeoRecord;
import io.meridian.region.GeoPoint;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns a decoded record into a {@link GeoLocation}: the database's own coordinates win; a
 * country alone maps to its reference point; anything else is not found.
 *
 * <p>Coordinates of exactly (0, 0) count as absent: flat exports write zeros where the source had
 * no coordinates, and no network is located in the Gulf of Guinea at "Null Island".
 */
final class LocationResolver {

    private final CountryReferencePoints referencePoints;

    LocationResolver(CountryReferencePoints referencePoints) {
        this.referencePoints = referencePoints;
    }

    GeoLocation resolve(@Nullable GeoRecord record) {
        if (record == null) {
            return GeoLocation.notFound();
        }
        String country = normalisedCountry(record.anyCountryCode());
        GeoPoint coordinates = coordinates(record.anyLatitude(), record.anyLongitude());
        if (coordinates != null) {
            return GeoLocation.ofCoordinates(country, coordinates);
        }
        if (country == null) {
            return GeoLocation.notFound();
        }
        Optional<GeoPoint> referencePoint = referencePoints.pointOf(country);
        return referencePoint.isPresent()
                ? GeoLocation.ofCountry(country, referencePoint.get())
                : GeoLocation.countryWithoutPoint(country);
    }

    private static @Nullable String normalisedCountry(@Nullable String code) {
        if (code == null) {
            return null;
        }
        String upper = code.strip().toUpperCase(Locale.ROOT);
        return upper.length() == 2 && Character.isLetter(upper.charAt(0)) && Character.isLetter(upper.charAt(1))
                ? upper
                : null;
    }

    private static @Nullable GeoPoint coordinates(@Nullable Number latitude, @Nullable Number longitude) {
        if (latitude == null || longitude == null) {
            return null;
        }
        double lat = latitude.doubleValue();
        double lon = longitude.doubleValue();
        if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || (lat == 0 && lon == 0)) {
            return null;
        }
        return new GeoPoint(lat, lon);
    }
}
