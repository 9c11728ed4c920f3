package io.meridian.gateway.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.meridian.gateway.client.ClientIp;
import io.meridian.geoip.GeoIpLocator;
import io.meridian.geoip.GeoLocation;
import io.meridian.region.GeoPoint;
import io.meridian.region.ProximityRanking;
import io.meridian.region.RankedRegion;
import java.util.List;

/**
 * Turns a client address into an ordered list of regions.
 *
 * <p>Design note: the per-request work is one GeoIP lookup (cached by address inside the
 * database) and one ranking lookup cached by location. A country database yields a few hundred
 * distinct locations, a city database tens of thousands, so the ranking cache is small and
 * nearly always hit; the geodesic maths runs once per location, not once per request. Health and
 * load, which change by the second, are applied to this list later and never cached.
 */
public final class RegionRouter {

    private final GeoIpLocator locator;
    private final ProximityRanking ranking;
    private final List<RankedRegion> unknownLocationRanking;
    private final Cache<GeoPoint, List<RankedRegion>> rankings;

    public RegionRouter(GeoIpLocator locator, ProximityRanking ranking, long rankingCacheSize) {
        this.locator = locator;
        this.ranking = ranking;
        this.unknownLocationRanking = ranking.rankForUnknownLocation();
        this.rankings = Caffeine.newBuilder().maximumSize(rankingCacheSize).build();
    }

    public RoutingDecision decide(ClientIp client) {
        GeoLocation location = locator.locate(client.address());
        GeoPoint point = location.point();
        List<RankedRegion> candidates = point == null
                ? unknownLocationRanking
                : rankings.get(point, ranking::rank);
        return new RoutingDecision(client, location, candidates);
    }
}
