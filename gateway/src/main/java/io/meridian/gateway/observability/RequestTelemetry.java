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
     * Notes the start of one attempt at a region on the request's span.
     *
     * @param region   the region tried
     * @param endpoint its endpoint
     * @return the span whose context the region receives, or {@code null} when tracing is off
     */
    public @Nullable Span startAttempt(Region region, URI endpoint) {
        return span == null ? null : tracing.startAttempt(span, region, endpoint);
    }

    /**
     * Sends the attempt's trace context to the region.
     *
     * @param attempt the attempt's span, or {@code null}
     * @param headers the headers the region is sent
     */
    public void inject(@Nullable Span attempt, io.netty.handler.codec.http.HttpHeaders headers) {
        if (attempt != null) {
            tracing.inject(attempt, headers);
        }
    }

    /**
     * Records a meter with the attempt's span current, for exemplars.
     *
     * @param attempt the attempt's span, or {@code null}
     * @param metric  records the meter
     */
    public void record(@Nullable Span attempt, Runnable metric) {
        tracing.inScope(attempt, metric);
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
