package io.meridian.gateway.routing;

import io.meridian.gateway.client.ClientIp;
import io.meridian.geoip.GeoLocation;
import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where one request goes and why.
 *
 * @param client     who the client is
 * @param location   where the database places the client
 * @param candidates the regions the request may go to, nearest first (confined to {@code zone} when set)
 * @param zone       the residency zone the request is confined to, or {@code null}
 */
public record RoutingDecision(ClientIp client, GeoLocation location, List<RankedRegion> candidates, @Nullable String zone) {

    public RoutingDecision(ClientIp client, GeoLocation location, List<RankedRegion> candidates) {
        this(client, location, candidates, null);
    }

    /** The region that gets the request first. */
    public Region selected() {
        return candidates.getFirst().region();
    }
}
