package io.meridian.gateway.routing;

import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;

/**
 * The exchange attributes routing leaves for the filters after it, each key qualified by this
 * package's name (as spring-cloud-gateway's {@code ServerWebExchangeUtils.qualify} does), so that no
 * other feature's attribute can take its place.
 */
public final class RoutingAttributes {

    /** The request's {@link RoutingDecision}, set by {@link GeoRoutingFilter} once a request is routed. */
    public static final String DECISION = qualify("decision");

    private RoutingAttributes() {
    }

    /** The exchange's routing decision, or {@code null} when the request was not routed to a region. */
    public static @Nullable RoutingDecision decision(ServerWebExchange exchange) {
        return exchange.getAttribute(DECISION);
    }

    private static String qualify(String name) {
        return RoutingAttributes.class.getPackageName() + "." + name;
    }
}
