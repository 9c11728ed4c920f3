package io.meridian.region;

import net.sf.geographiclib.Geodesic;
import net.sf.geographiclib.GeodesicMask;

/**
 * Distances on the WGS84 ellipsoid, computed with GeographicLib (Karney's algorithm): accurate to
 * nanometres everywhere, including nearly antipodal points where Vincenty's method fails to converge.
 */
public final class Geodesy {

    private Geodesy() {
    }

    /** The geodesic (shortest path on the ellipsoid) distance between two points, in kilometres. */
    public static double distanceKm(GeoPoint from, GeoPoint to) {
        return Geodesic.WGS84
                .Inverse(from.latitude(), from.longitude(), to.latitude(), to.longitude(), GeodesicMask.DISTANCE)
                .s12 / 1000.0;
    }
}
