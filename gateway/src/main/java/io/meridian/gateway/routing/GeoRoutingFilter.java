package io.meridian.gateway.routing;

import io.meridian.gateway.client.ClientIp;
import io.meridian.gateway.client.ClientIpResolver;
import io.meridian.gateway.error.ErrorResponses;
import io.meridian.gateway.residency.NoRegionInZoneException;
import io.meridian.gateway.residency.ResidencyPolicy;
import io.meridian.gateway.tenant.Tenant;
import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianHeaders;
import io.meridian.region.RankedRegion;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Decides where a request goes: the regions nearest its client, in order.
 *
 * <p>Leaves the {@link RoutingDecision} in {@link RoutingAttributes#DECISION} for the forwarding filter, which
 * tries its candidates in turn, sends each the request's canonical path (still encoded, as
 * {@link io.meridian.gateway.path.CanonicalPathFilter} left it) and its query as sent, and
 * names the region that served in {@value #REGION_HEADER}. Adds {@value #COUNTRY_HEADER} to the
 * answer. Neither the resolved client address nor the country is sent to the region: no task
 * server reads them, and the address is personal data that must not cross residency zones on a
 * failover; a client's own {@value #CLIENT_IP_HEADER} or {@value #COUNTRY_HEADER} is dropped.
 *
 * <p>On its way it applies the body limit ({@link BodyLimit}), keeps requests about a task with the
 * task's region ({@link TaskAffinity}), leaves out drained regions ({@link RegionDrains}), confines
 * a request to its residency zone ({@link ResidencyPolicy}) and counts the client's country
 * ({@link CountryTraffic}).
 */
public final class GeoRoutingFilter implements GatewayFilter, Ordered {

    /** Runs after the rate limiter, before the forwarding filter. */
    public static final int ORDER = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;

    /** Response header naming the region that served. */
    public static final String REGION_HEADER = MeridianHeaders.REGION;

    /** Response header with the client's country (ISO 3166-1 alpha-2) or {@code unknown}; not sent to a region. */
    public static final String COUNTRY_HEADER = MeridianHeaders.CLIENT_COUNTRY;

    /** The client address the gateway resolved; gateway-only, never sent to a region. */
    public static final String CLIENT_IP_HEADER = MeridianHeaders.CLIENT_IP;

    private final ClientIpResolver clientIpResolver;
    private final ResidencyPolicy residency;
    private final RegionRouter router;
    private final BodyLimit bodyLimit;
    private final TaskAffinity taskAffinity;
    private final CountryTraffic countries;
    private final RegionDrains drains;

    GeoRoutingFilter(ClientIpResolver clientIpResolver, RegionRouter router, long maxBodyBytes,
            TaskAffinity taskAffinity, ResidencyPolicy residency, CountryTraffic countries, RegionDrains drains) {
        this.countries = countries;
        this.drains = drains;
        this.residency = residency;
        this.clientIpResolver = clientIpResolver;
        this.router = router;
        this.bodyLimit = new BodyLimit(maxBodyBytes);
        this.taskAffinity = taskAffinity;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (bodyLimit.declaredTooLarge(request)) {
            return bodyLimit.refuse(exchange);
        }
        TaskAffinity.Target task = taskAffinity.target(request.getMethod(), request.getPath().pathWithinApplication().value());
        if (task instanceof TaskAffinity.MalformedId malformed) {
            return ErrorResponses.write(exchange, HttpStatus.BAD_REQUEST, ErrorCodes.INVALID_TASK_ID, "task id '" + malformed.id()
                    + "' is not of the form <region>.<id>, e.g. eu-central.01JD3X9K2M (6 to 64 of A-Z a-z 0-9 _ -)", "id");
        }
        if (task instanceof TaskAffinity.UnknownRegion unknown) {
            return ErrorResponses.write(exchange, HttpStatus.NOT_FOUND, ErrorCodes.UNKNOWN_REGION, "task id '" + unknown.id()
                    + "' names region '" + unknown.regionId() + "', which this gateway does not serve", "id");
        }
        ClientIp client = clientIpResolver.resolve(exchange);
        RoutingDecision decision = router.decide(client);
        if (task instanceof TaskAffinity.TaskRegion owner) {
            // The task's region or nothing: any other region could only answer "no such task".
            // A drained region still gets these: its tasks must be reachable until they end.
            decision = new RoutingDecision(decision.client(), decision.location(), owner.candidates());
        }
        else if (drains.isAnyDrained()) {
            decision = new RoutingDecision(decision.client(), decision.location(),
                    drains.withoutDrained(decision.candidates()));
        }
        // A tenant bound to a zone is confined to it, whatever its requests ask for.
        Tenant tenant = exchange.getAttribute(Tenant.ATTRIBUTE);
        String requestedZone = tenant != null && tenant.zone() != null ? tenant.zone()
                : request.getHeaders().getFirst(ResidencyPolicy.HEADER);
        String zone = residency.zoneFor(requestedZone, decision.location().countryCode());
        if (zone != null) {
            List<RankedRegion> confined = ResidencyPolicy.confine(decision.candidates(), zone);
            if (confined.isEmpty()) {
                throw new NoRegionInZoneException(zone);
            }
            decision = new RoutingDecision(decision.client(), decision.location(), confined, zone);
        }
        String country = decision.location().countryCode();
        String countryValue = country == null ? "unknown" : country;
        countries.record(country);
        exchange.getAttributes().put(RoutingAttributes.DECISION, decision);
        // The region gets the one client address the gateway vouches for and the country it was
        // located in: the forwarding filter adds both from the decision, and never passes on the
        // client-written X-Forwarded-For and Forwarded chains.
        exchange = bodyLimit.limitUndeclared(exchange);
        ServerHttpResponse response = exchange.getResponse();
        response.beforeCommit(() -> {
            // Replaces whatever the region sent under the same name: the gateway's view is the answer.
            // The region header is the forwarding filter's to set: only it knows who finally served.
            response.getHeaders().set(COUNTRY_HEADER, countryValue);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
