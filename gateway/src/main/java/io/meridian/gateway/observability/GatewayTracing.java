package io.meridian.gateway.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The gateway's spans, made with Micrometer Tracing's API directly rather than through
 * observations: one server span per request, continued from the client's {@code traceparent} (a
 * malformed one starts a new trace), whose context each region tried receives in the {@code
 * traceparent} header it is sent.
 *
 * <p>Design note: Spring's per-request observation (a timer, an active-requests gauge and a span)
 * cost about 8 % of the gateway's CPU under load, so it stays off; this makes only the spans, and
 * the meters stay Meridian's own. Each attempt at a region is an event on the request's span (its
 * start, then its outcome), and every region tried receives the request span's context. Unsampled spans (see {@code management.tracing.sampling.probability})
 * are not recorded, but their ids still travel, so logs and task statuses name the trace either way.
 */
public final class GatewayTracing {

    /** The span attribute naming the region of an attempt, or the region that served a request. */
    static final String REGION_TAG = "meridian.region";

    private static final Propagator.Getter<ServerHttpRequest> REQUEST_HEADERS =
            (request, name) -> request.getHeaders().getFirst(name);

    private static final Propagator.Setter<io.netty.handler.codec.http.HttpHeaders> NETTY_HEADERS =
            (headers, name, value) -> {
                if (headers != null) {
                    headers.set(name, value);
                }
            };

    private final Tracer tracer;

    private final Propagator propagator;

    /**
     * Traces with {@code tracer}, reading and writing contexts with {@code propagator}.
     *
     * @param tracer     the tracer; {@link Tracer#NOOP} turns tracing off
     * @param propagator reads and writes {@code traceparent}
     */
    public GatewayTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * Whether spans are made at all.
     *
     * @return {@code false} when tracing is off
     */
    public boolean enabled() {
        return tracer != Tracer.NOOP;
    }

    /**
     * Starts the span of one request, a child of the client's if it sent a valid context.
     *
     * @param request the request
     * @return the started span, or {@code null} when tracing is off
     */
    public @Nullable Span startRequest(ServerHttpRequest request) {
        if (!enabled()) {
            return null;
        }
        return propagator.extract(request, REQUEST_HEADERS)
                .name(request.getMethod().name())
                .kind(Span.Kind.SERVER)
                .start();
    }

    /**
     * Writes a span's context into the headers a region is sent.
     *
     * @param span    the request's span
     * @param headers the outgoing headers
     */
    public void inject(Span span, io.netty.handler.codec.http.HttpHeaders headers) {
        propagator.inject(span.context(), headers, NETTY_HEADERS);
    }

    /**
     * Runs {@code metric} with {@code span} as the exemplar of any histogram it records. Unsampled
     * spans are never exported, so they are not offered.
     *
     * @param span   the span, or {@code null}
     * @param metric records a meter
     */
    public void inScope(@Nullable Span span, Runnable metric) {
        // The sampling decision, not isNoop(): an ended span no longer records, but its trace is exported.
        if (span == null || !Boolean.TRUE.equals(span.context().sampled())) {
            metric.run();
            return;
        }
        ExemplarSpanContext.run(span, metric);
    }
}
