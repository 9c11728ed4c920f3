package io.meridian.gateway.forwarding;

import io.meridian.gateway.health.RegionProtocol;
import io.meridian.gateway.routing.GeoRoutingFilter;
import io.meridian.gateway.tenant.Tenant;
import io.meridian.gateway.tenant.TokenReservation;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers a region receives: the client's that may cross ({@link RegionHeaders}), then the
 * gateway's own, which replace any the client wrote under those names. Reactor Netty sets Host from
 * the region's URL.
 */
final class RequestHeaders {

    private RequestHeaders() {
    }

    static void write(RegionRequest request, HttpHeaders headers) {
        ServerWebExchange exchange = request.exchange();
        RegionHeaders.copyRequest(exchange.getRequest(), headers);
        headers.set(GeoRoutingFilter.CLIENT_IP_HEADER, request.clientIp);
        headers.set(GeoRoutingFilter.COUNTRY_HEADER, request.country);
        headers.set(RegionProtocol.HEADER, RegionProtocol.VERSION);
        // Always set, after RegionHeaders dropped the client's copy: the region scopes tasks
        // by it, and a request the tenant filter did not see (no tenants configured) is the
        // anonymous tenant's.
        Tenant tenant = exchange.getAttribute(Tenant.ATTRIBUTE);
        headers.set(Tenant.HEADER, tenant != null ? tenant.id() : Tenant.ANONYMOUS_ID);
        if (tenant != null && !tenant.models().isEmpty()) {
            headers.set(Tenant.MODELS_HEADER, String.join(",", tenant.models()));
        }
        TokenReservation reservation = exchange.getAttribute(TokenReservation.ATTRIBUTE);
        if (reservation != null && reservation.tokens() > 0) {
            headers.set(Tenant.MAX_TOKENS_HEADER, Math.min(reservation.tokens(), Integer.MAX_VALUE));
        }
        if (request.contentLength >= 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, request.contentLength);
        }
    }
}
