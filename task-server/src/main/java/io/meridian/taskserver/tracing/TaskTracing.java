package io.meridian.taskserver.tracing;

import io.meridian.taskserver.task.Task;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * Carries traces across the queue. A task is stored with the {@code traceparent} of the request
 * that submitted it: the span of that request's server observation (itself a child of the
 * gateway's span), or, with that observation off, the context the request came with. Each
 * attempt then runs as a {@value #ATTEMPT} observation continuing that trace, on whichever replica
 * takes the task, and the model call's own observation and HTTP exchange are its children, so the
 * model server receives the same trace.
 */
public final class TaskTracing {

    /** The observation of one attempt; also a timer of that name, by {@code queue}. */
    public static final String ATTEMPT = "meridian.task.attempt";

    /** Without tracing: tasks carry no context and attempts are not observed. */
    public static final TaskTracing NONE = new TaskTracing(Tracer.NOOP, Propagator.NOOP, ObservationRegistry.NOOP);

    private static final String TRACEPARENT = "traceparent";

    private static final Pattern VALID = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

    private final Tracer tracer;

    private final Propagator propagator;

    private final ObservationRegistry registry;

    /**
     * Carries contexts with {@code propagator} and observes attempts in {@code registry}.
     *
     * @param tracer     the tracer, {@link Tracer#NOOP} without tracing
     * @param propagator writes {@code traceparent}
     * @param registry   where attempts are observed
     */
    public TaskTracing(Tracer tracer, Propagator propagator, ObservationRegistry registry) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.registry = registry;
    }

    /**
     * The context to store with a task submitted by the request behind {@code exchange}.
     *
     * @param exchange the submitting request's exchange
     * @return a W3C {@code traceparent}, or {@code null} without tracing
     */
    public @Nullable String traceParent(ServerWebExchange exchange) {
        if (tracer == Tracer.NOOP) {
            return null;
        }
        Span span = ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> {
                    TracingObservationHandler.TracingContext tracing =
                            context.get(TracingObservationHandler.TracingContext.class);
                    return tracing == null ? null : tracing.getSpan();
                })
                .orElse(null);
        if (span != null) {
            Map<String, String> carrier = new HashMap<>(4);
            propagator.inject(span.context(), carrier, Map::put);
            String written = carrier.get(TRACEPARENT);
            if (written != null && VALID.matcher(written).matches()) {
                return written;
            }
        }
        String received = exchange.getRequest().getHeaders().getFirst(TRACEPARENT);
        return received != null && VALID.matcher(received).matches() ? received : null;
    }

    /**
     * The observation of the attempt {@code task} is about to make, continuing its trace. Start it,
     * and open its scope around the model call.
     *
     * @param task the running task
     * @return the attempt's observation, not started
     */
    public Observation attempt(Task task) {
        ReceiverContext<Task> context = new ReceiverContext<>(
                (carrier, key) -> TRACEPARENT.equals(key) ? carrier.traceParent() : null, Kind.CONSUMER);
        context.setCarrier(task);
        return Observation.createNotStarted(ATTEMPT, () -> context, registry)
                .contextualName("task " + task.queue())
                .lowCardinalityKeyValue("queue", task.queue())
                .highCardinalityKeyValue("meridian.task.id", task.id().toString())
                .highCardinalityKeyValue("meridian.task.attempt", Integer.toString(task.attempts()));
    }

    /**
     * The observation current on this thread: a running attempt's, inside its scope.
     *
     * @return the observation, or {@code null}
     */
    public @Nullable Observation current() {
        return registry.getCurrentObservation();
    }

    /**
     * The headers that carry {@code observation}'s trace to a server called over a client no
     * observation instruments (the OpenAI SDK's).
     *
     * @param observation the observation, or {@code null}
     * @return {@code traceparent} (and any other header the propagator writes), or nothing
     */
    public Map<String, String> headers(@Nullable Observation observation) {
        if (observation == null) {
            return Map.of();
        }
        TracingObservationHandler.TracingContext tracing =
                observation.getContext().get(TracingObservationHandler.TracingContext.class);
        Span span = tracing == null ? null : tracing.getSpan();
        if (span == null) {
            return Map.of();
        }
        Map<String, String> carrier = new HashMap<>(4);
        propagator.inject(span.context(), carrier, Map::put);
        return carrier;
    }
}
