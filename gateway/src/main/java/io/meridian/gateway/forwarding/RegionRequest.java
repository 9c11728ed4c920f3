package io.meridian.gateway.forwarding;

import io.meridian.gateway.observability.RequestTelemetry;
import io.meridian.gateway.tenant.TokenReservation;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;

/**
 * What every attempt of one request sends, worked out once: the client's request, its body, the
 * Content-Length of the body as kept, and the {@link CallKind} its deadlines follow.
 */
public final class RegionRequest {

    private final ServerWebExchange exchange;
    private final RequestBody body;
    private final @Nullable RequestTelemetry telemetry;
    private final CallKind kind;
    final long contentLength;

    private RegionRequest(ServerWebExchange exchange, RequestBody body) {
        this.exchange = exchange;
        this.body = body;
        this.telemetry = RequestTelemetry.of(exchange);
        // A kept body is sent with its length; a streamed one as the client declared it, or
        // chunked (Reactor Netty's default for a body of unknown length).
        this.contentLength = body.contentLength(exchange.getRequest().getHeaders().getContentLength());
        this.kind = CallKind.of(exchange.getRequest().getMethod(), exchange.getRequest().getPath().value(),
                exchange.getRequest().getHeaders(), body);
    }

    /** The request of {@code exchange}, with its body as held. */
    public static RegionRequest of(ServerWebExchange exchange, RequestBody body) {
        return new RegionRequest(exchange, body);
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

    /** The kind of call, for its deadlines. */
    public CallKind kind() {
        return kind;
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
