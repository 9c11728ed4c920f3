package io.meridian.region;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders regions by how near they are to a location.
 *
 * <p>Design note: the order is the geodesic distance plus each region's operator bias, ties
 * broken by configuration order so that the result is stable. It deliberately knows nothing of
 * health or load: those change every second while the distance order of a location never does,
 * so callers can cache this ranking per location and filter it per request. Regions are few
 * (tens at most), so a sort of a small array beats any spatial index.
 */
public final class ProximityRanking {

    private final RegionCatalog catalog;

    public ProximityRanking(RegionCatalog catalog) {
        this.catalog = catalog;
    }

    /** All regions, nearest (after bias) first. */
    public List<RankedRegion> rank(GeoPoint location) {
        List<Region> regions = catalog.regions();
        List<RankedRegion> ranked = new ArrayList<>(regions.size());
        for (Region region : regions) {
            double km = Geodesy.distanceKm(location, region.location());
            ranked.add(new RankedRegion(region, km, km + region.biasKm()));
        }
        // List.sort is stable: equal effective distances keep configuration order.
        ranked.sort(Comparator.comparingDouble(RankedRegion::effectiveKm));
        return List.copyOf(ranked);
    }

    /**
     * The ranking for a client whose location is unknown: the default region first, then the
     * others in configuration order, with no distances.
     */
    public List<RankedRegion> rankForUnknownLocation() {
        List<RankedRegion> ranked = new ArrayList<>(catalog.size());
        Region first = catalog.defaultRegion();
        ranked.add(new RankedRegion(first, Double.NaN, Double.NaN));
        for (Region region : catalog.regions()) {
            if (region != first) {
                ranked.add(new RankedRegion(region, Double.NaN, Double.NaN));
            }
        }
        return List.copyOf(ranked);
    }

    public RegionCatalog catalog() {
        return catalog;
    }
}
