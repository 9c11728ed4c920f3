package io.meridian.gateway.routing;

import io.meridian.gateway.client.ClientIp;
import io.meridian.geoip.GeoLocation;
import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import java.util.List;

/**
 * Where one request goes and why.
 *
 * @param client     who the client is
 * @param location   where the database places the client
 * @param candidates every region, in the order the gateway would try them
 */
public record RoutingDecision(ClientIp client, GeoLocation location, List<RankedRegion> candidates) {

    /** The region that gets the request first. */
    public Region selected() {
        return candidates.getFirst().region();
    }
}
