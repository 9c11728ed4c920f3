package io.meridian.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class GeodesyTests {

    static final GeoPoint NEW_YORK = new GeoPoint(40.7128, -74.0060);
    static final GeoPoint FRANKFURT = new GeoPoint(50.1109, 8.6821);
    static final GeoPoint SINGAPORE = new GeoPoint(1.3521, 103.8198);

    @Test
    void measuresIntercontinentalDistancesOnTheEllipsoid() {
        // Vincenty's inverse formula, implemented independently below, agrees to well under a
        // metre wherever it converges; the ellipsoid makes these differ from a sphere by ~0.3 %.
        assertThat(Geodesy.distanceKm(NEW_YORK, FRANKFURT)).isCloseTo(vincentyKm(NEW_YORK, FRANKFURT), within(0.001));
        assertThat(Geodesy.distanceKm(FRANKFURT, SINGAPORE)).isCloseTo(vincentyKm(FRANKFURT, SINGAPORE), within(0.001));
        assertThat(Geodesy.distanceKm(NEW_YORK, SINGAPORE)).isCloseTo(vincentyKm(NEW_YORK, SINGAPORE), within(0.001));
        assertThat(Geodesy.distanceKm(NEW_YORK, FRANKFURT)).isCloseTo(6_219.5, within(0.1));
    }

    @Test
    void handlesNearlyAntipodalPoints() {
        double km = Geodesy.distanceKm(new GeoPoint(0, 0), new GeoPoint(0.5, 179.7));

        assertThat(km).isBetween(19_900.0, 20_004.0);
    }

    @Property
    void agreesWithTheSphericalDistanceToWithinHalfAPercent(
            @ForAll @DoubleRange(min = -89, max = 89) double lat1, @ForAll @DoubleRange(min = -180, max = 180) double lon1,
            @ForAll @DoubleRange(min = -89, max = 89) double lat2, @ForAll @DoubleRange(min = -180, max = 180) double lon2) {
        GeoPoint a = new GeoPoint(lat1, lon1);
        GeoPoint b = new GeoPoint(lat2, lon2);
        double spherical = haversineKm(a, b);
        double km = Geodesy.distanceKm(a, b);

        if (spherical > 100) {
            assertThat(km).isCloseTo(spherical, Percentage.withPercentage(0.6));
        }
        assertThat(km).isCloseTo(Geodesy.distanceKm(b, a), within(1e-6));
    }

    /** Vincenty (1975) inverse on WGS84; an independent reference for non-antipodal points. */
    static double vincentyKm(GeoPoint p1, GeoPoint p2) {
        double a = 6_378_137.0;
        double f = 1 / 298.257223563;
        double b = (1 - f) * a;
        double l = Math.toRadians(p2.longitude() - p1.longitude());
        double u1 = Math.atan((1 - f) * Math.tan(Math.toRadians(p1.latitude())));
        double u2 = Math.atan((1 - f) * Math.tan(Math.toRadians(p2.latitude())));
        double sinU1 = Math.sin(u1), cosU1 = Math.cos(u1), sinU2 = Math.sin(u2), cosU2 = Math.cos(u2);
        double lambda = l;
        double sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM;
        int iterations = 0;
        while (true) {
            double sinLambda = Math.sin(lambda), cosLambda = Math.cos(lambda);
            sinSigma = Math.sqrt(Math.pow(cosU2 * sinLambda, 2) + Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosLambda, 2));
            cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
            sigma = Math.atan2(sinSigma, cosSigma);
            double sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
            cosSqAlpha = 1 - sinAlpha * sinAlpha;
            cos2SigmaM = cosSigma - 2 * sinU1 * sinU2 / cosSqAlpha;
            double c = f / 16 * cosSqAlpha * (4 + f * (4 - 3 * cosSqAlpha));
            double previous = lambda;
            lambda = l + (1 - c) * f * sinAlpha
                    * (sigma + c * sinSigma * (cos2SigmaM + c * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
            if (Math.abs(lambda - previous) < 1e-12 || ++iterations > 200) {
                break;
            }
        }
        double uSq = cosSqAlpha * (a * a - b * b) / (b * b);
        double bigA = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
        double bigB = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
        double deltaSigma = bigB * sinSigma * (cos2SigmaM + bigB / 4 * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)
                - bigB / 6 * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
        return b * bigA * (sigma - deltaSigma) / 1000.0;
    }

    static double haversineKm(GeoPoint a, GeoPoint b) {
        double r = 6_371.0088;
        double dLat = Math.toRadians(b.latitude() - a.latitude());
        double dLon = Math.toRadians(b.longitude() - a.longitude());
        double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(Math.toRadians(a.latitude()))
                * Math.cos(Math.toRadians(b.latitude())) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
