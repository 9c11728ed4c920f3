package io.meridian.region;

/**
 * A point on the WGS84 ellipsoid, in decimal degrees.
 *
 * @param latitude  degrees north, within [-90, 90]
 * @param longitude degrees east, within [-180, 180]
 */
public record GeoPoint(double latitude, double longitude) {

    public GeoPoint {
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new IllegalArgumentException("latitude must be within [-90, 90], but was " + latitude);
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("longitude must be within [-180, 180], but was " + longitude);
        }
    }

    @Override
    public String toString() {
        return "(" + latitude + ", " + longitude + ")";
    }
}
