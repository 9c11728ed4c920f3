package io.meridian.gateway.observability;

import io.meridian.region.Region;
import io.micrometer.tracing.Span;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;

/**
 * One request as the gateway observes it, from its first byte to its last: when it started, its
 * span, and its exchange (for the routing decision and the tenant, read when the access line is
 * written). Made by {@link TelemetryHandlerDecorator} before any of Spring's handling, so the
 * duration and the status include error answers written by exception handlers; the forwarding
 * filter finds it in the exchange's {@link #ATTRIBUTE}.
 */
public final class RequestTelemetry {

    /** The exchange attribute that holds the request's telemetry. */
    public static final String ATTRIBUTE = RequestTelemetry.class.getName();

    /** The response header that names the request's trace, for clients to quote. */
    public static final String TRACE_ID_HEADER = "X-Meridian-Trace-Id";

    private final long startNanos;

    private final @Nullable Span span;

    private final GatewayTracing tracing;

    private @Nullable ServerWebExchange exchange;

    RequestTelemetry(long startNanos, @Nullable Span span, GatewayTracing tracing) {
        this.startNanos = startNanos;
        this.span = span;
        this.tracing = tracing;
    }

    /**
     * The telemetry of the request behind {@code exchange}.
     *
     * @param exchange the exchange
     * @return its telemetry, or {@code null} when the gateway observes nothing
     */
    public static @Nullable RequestTelemetry of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    /**
     * The request's span.
     *
     * @return the span, or {@code null} when tracing is off
     */
    public @Nullable Span span() {
        return span;
    }

    /**
     * Notes the start of one attempt at a region as an event on the request's span. As in Envoy
     * without upstream spans, an attempt is not a span of its own: that would double the tracing
     * work of every request for what an event says as well. Every region tried continues the
     * request's span.
     *
     * @param region   the region tried
     * @param endpoint its endpoint
     */
    public void attemptStarted(Region region, URI endpoint) {
        if (span != null && !span.isNoop()) {
            span.event("forward to " + region.id() + " at " + endpoint.getHost() + ":" + endpoint.getPort());
        }
    }

    /**
     * Notes how an attempt ended as an event on the request's span.
     *
     * @param region  the region tried
     * @param outcome a status code or a failure's tag
     * @param error   whether the attempt failed
     */
    public void attemptEnded(Region region, String outcome, boolean error) {
        if (span != null && !span.isNoop()) {
            span.event((error ? "failed at " : "answered by ") + region.id() + ": " + outcome);
        }
    }

    /**
     * Sends the request's trace context to a region.
     *
     * @param headers the headers the region is sent
     */
    public void inject(io.netty.handler.codec.http.HttpHeaders headers) {
        if (span != null) {
            tracing.inject(span, headers);
        }
    }

    /**
     * Records a meter with the request's span as its exemplar.
     *
     * @param metric records the meter
     */
    public void record(Runnable metric) {
        tracing.inScope(span, metric);
    }

    long startNanos() {
        return startNanos;
    }

    @Nullable ServerWebExchange exchange() {
        return exchange;
    }

    void attach(ServerWebExchange exchange) {
        this.exchange = exchange;
        exchange.getAttributes().put(ATTRIBUTE, this);
    }
}
