package io.meridian.region;

/**
 * A region's place in a proximity ranking.
 *
 * @param region      the region
 * @param distanceKm  geodesic distance from the client's location, in kilometres
 * @param effectiveKm the distance plus the region's operator bias: what the ranking sorts by
 */
public record RankedRegion(Region region, double distanceKm, double effectiveKm) {
}
