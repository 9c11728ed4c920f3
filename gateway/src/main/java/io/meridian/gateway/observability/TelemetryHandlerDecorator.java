package io.meridian.gateway.observability;

import io.micrometer.tracing.Span;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.SignalType;
import reactor.util.context.Context;

/**
 * Wraps the whole HTTP handling, exception handlers included: starts each request's span and
 * clock, and when the answer's last byte is written (or the client goes away) ends the span and
 * writes the access line. The request's {@link RequestTelemetry} travels in the Reactor context to
 * {@link TelemetryExchangeFilter}, which hands it to the exchange.
 */
final class TelemetryHandlerDecorator implements HttpHandlerDecoratorFactory {

    /** What nginx logs for a request whose client closed the connection before the answer. */
    static final int CLIENT_CLOSED = 499;

    private final GatewayTracing tracing;

    private final @Nullable AccessLog accessLog;

    TelemetryHandlerDecorator(GatewayTracing tracing, @Nullable AccessLog accessLog) {
        this.tracing = tracing;
        this.accessLog = accessLog;
    }

    @Override
    public HttpHandler apply(HttpHandler delegate) {
        return (request, response) -> {
            long start = System.nanoTime();
            Span span = tracing.startRequest(request);
            if (span != null) {
                response.getHeaders().set(RequestTelemetry.TRACE_ID_HEADER, span.context().traceId());
            }
            RequestTelemetry telemetry = new RequestTelemetry(start, span, tracing);
            return delegate.handle(request, response)
                    .contextWrite(Context.of(RequestTelemetry.class, telemetry))
                    .doFinally(signal -> finish(telemetry, request, response, signal));
        };
    }

    private void finish(RequestTelemetry telemetry, ServerHttpRequest request, ServerHttpResponse response,
            SignalType signal) {
        HttpStatusCode code = response.getStatusCode();
        int status = signal == SignalType.CANCEL && !response.isCommitted() ? CLIENT_CLOSED
                : code != null ? code.value() : 200;
        String region = response.getHeaders().getFirst(io.meridian.gateway.routing.GeoRoutingFilter.REGION_HEADER);
        String failovers = response.getHeaders().getFirst(
                io.meridian.gateway.failover.FailoverForwardingFilter.FAILOVERS_HEADER);
        Span span = telemetry.span();
        if (span != null && !span.isNoop()) {
            span.tag("http.response.status_code", status);
            if (region != null) {
                span.tag(GatewayTracing.REGION_TAG, region);
            }
            if (failovers != null) {
                span.tag("meridian.failovers", failovers);
            }
            if (status >= 500) {
                span.tag("error", "true");
            }
        }
        if (span != null) {
            span.end();
        }
        if (accessLog != null) {
            accessLog.write(telemetry, request, status, region, failovers, signal == SignalType.CANCEL);
        }
    }
}
