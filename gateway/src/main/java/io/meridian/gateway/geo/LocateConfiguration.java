package io.meridian.gateway.geo;

import io.meridian.gateway.client.ClientIp;
import io.meridian.gateway.client.ClientIpResolver;
import io.meridian.gateway.client.IpLiteral;
import io.meridian.gateway.error.ErrorResponses;
import io.meridian.gateway.routing.RegionRouter;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.geoip.GeoLocation;
import io.meridian.geoip.ReservedRanges;
import io.meridian.region.GeoPoint;
import io.meridian.region.RankedRegion;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /meridian/locate?ip=…}: how the gateway sees an address — country, the coordinates
 * it routes by and where they came from, and every region ranked with its distance. Without
 * {@code ip} it explains the caller's own request, forwarding headers included.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = LocateProperties.PREFIX + ".enabled")
class LocateConfiguration {

    static final String PATH = "/meridian/locate";

    @Bean
    RouterFunction<ServerResponse> locateRoute(ClientIpResolver resolver, RegionRouter router) {
        return RouterFunctions.route().GET(PATH, request -> locate(request, resolver, router)).build();
    }

    private static Mono<ServerResponse> locate(ServerRequest request, ClientIpResolver resolver, RegionRouter router) {
        Optional<String> ip = request.queryParam("ip");
        ClientIp client;
        if (ip.isPresent()) {
            InetAddress address = IpLiteral.parse(ip.get().strip());
            if (address == null) {
                return badIp(request, ip.get());
            }
            client = new ClientIp(address, 0);
        } else {
            client = resolver.resolve(request.remoteAddress().orElse(null),
                    request.headers().header(resolver.header().headerName()));
        }
        RoutingDecision decision = router.decide(client);
        GeoLocation location = decision.location();
        GeoPoint point = location.point();
        Located body = new Located(
                client.address().getHostAddress(),
                location.countryCode(),
                location.source().name(),
                ReservedRanges.classify(client.address()).orElse(null),
                point,
                decision.candidates().stream().map(Ranked::of).toList(),
                decision.selected().id());
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    private static Mono<ServerResponse> badIp(ServerRequest request, String value) {
        String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
        String json = ErrorResponses.json(400, "invalid_parameter",
                "ip must be an IPv4 or IPv6 literal, but was '" + shown + "'", "ip");
        return ServerResponse.badRequest().contentType(MediaType.APPLICATION_JSON).bodyValue(json);
    }

    /** The locate answer. */
    record Located(String ip, @Nullable String country, String source, @Nullable String reservedRange,
            @Nullable GeoPoint location, List<Ranked> regions, String selected) {
    }

    /** One region in the locate answer; distances are absent when the location is unknown. */
    record Ranked(String id, String name, String zone, @Nullable Double distanceKm, @Nullable Double effectiveKm) {

        static Ranked of(RankedRegion r) {
            return new Ranked(r.region().id(), r.region().displayName(), r.region().zone(),
                    Double.isNaN(r.distanceKm()) ? null : Math.round(r.distanceKm() * 10) / 10.0,
                    Double.isNaN(r.effectiveKm()) ? null : Math.round(r.effectiveKm() * 10) / 10.0);
        }
    }
}
