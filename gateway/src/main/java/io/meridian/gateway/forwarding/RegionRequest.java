package io.meridian.gateway.forwarding;

import io.meridian.gateway.observability.RequestTelemetry;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.gateway.tenant.TokenReservation;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;

/**
 * What every attempt of one request sends, worked out once: the client's request, its body, and
 * the values the gateway adds (the client's address and country as routing resolved them, the
 * Content-Length of the body as kept).
 */
public final class RegionRequest {

    private final ServerWebExchange exchange;
    private final RequestBody body;
    private final @Nullable RequestTelemetry telemetry;
    final String clientIp;
    final String country;
    final long contentLength;

    private RegionRequest(ServerWebExchange exchange, RoutingDecision decision, RequestBody body) {
        this.exchange = exchange;
        this.body = body;
        this.telemetry = RequestTelemetry.of(exchange);
        this.clientIp = decision.client().address().getHostAddress();
        String countryCode = decision.location().countryCode();
        this.country = countryCode == null ? "unknown" : countryCode;
        // A kept body is sent with its length; a streamed one as the client declared it, or
        // chunked (Reactor Netty's default for a body of unknown length).
        this.contentLength = body.contentLength(exchange.getRequest().getHeaders().getContentLength());
    }

    /** The request of {@code exchange}, routed by {@code decision}, with its body as held. */
    public static RegionRequest of(ServerWebExchange exchange, RoutingDecision decision, RequestBody body) {
        return new RegionRequest(exchange, decision, body);
    }

    public ServerWebExchange exchange() {
        return exchange;
    }

    public HttpMethod method() {
        return exchange.getRequest().getMethod();
    }

    public RequestBody body() {
        return body;
    }

    /** The request's telemetry, when it is traced. */
    public @Nullable RequestTelemetry telemetry() {
        return telemetry;
    }

    /** Called as the request starts going to a region: its token reservation counts from now. */
    void sent() {
        TokenReservation reservation = exchange.getAttribute(TokenReservation.ATTRIBUTE);
        if (reservation != null) {
            reservation.sent();
        }
    }
}
