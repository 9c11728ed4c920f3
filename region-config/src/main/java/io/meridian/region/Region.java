package io.meridian.region;

import java.net.URI;
import java.util.List;

/**
 * One serving region: a place on the map with one or more task-server replicas.
 *
 * <p>Instances are validated: build them through {@link RegionCatalog#from(RegionsSpec)}, which
 * checks every field and names the region, field and value of the first one that is wrong.
 *
 * @param id          stable lowercase identifier, e.g. {@code eu-central}; also the prefix of task ids
 * @param displayName human-readable name, e.g. {@code EU Central (Frankfurt)}
 * @param location    where the region's servers are, used for geodesic distances
 * @param endpoints   base URLs of the region's task-server replicas, at least one
 * @param biasKm      kilometres added to the distance when ranking; negative attracts traffic, positive repels it
 * @param capacity    in-flight requests the region accepts before the gateway spills over to the next one
 * @param zone        residency zone the region's data stays in, e.g. {@code eu}
 */
public record Region(
        String id,
        String displayName,
        GeoPoint location,
        List<URI> endpoints,
        double biasKm,
        int capacity,
        String zone) {

    public Region {
        endpoints = List.copyOf(endpoints);
    }

    /** The first endpoint: the replica used when no other choice applies. */
    public URI primaryEndpoint() {
        return endpoints.getFirst();
    }
}
