package io.meridian.taskserver.embeddings;

import io.meridian.taskserver.llm.ModelFailureException;
import io.meridian.taskserver.llm.ModelTimeoutException;
import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.load.OverloadedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs embeddings calls: each one takes a slot of the region's capacity, runs on a virtual thread
 * of a bounded scheduler, and is cut off at the timeout.
 *
 * <p>Design note: why an embedding is not a task. A chat completion is queued because it can take
 * minutes, and the queue gives it fairness between long and short work, retries with back-off, a
 * task id to poll and survival of a replica's restart. An embeddings call takes milliseconds to a
 * second, is answered while its request waits, and is idempotent: the same input gives the same
 * vector, so repeating it (by the client, or by the gateway on failover) is always safe and
 * de-duplicating it is pointless. Its answer is large (a 2048-input request at 1536 dimensions is
 * some 12 MB of JSON) and would be copied into the task store (Redis) and kept there for the task's
 * time to live only to be read once. So it is one direct call, bounded the same ways a task is:
 * it counts against the region's capacity ({@link LoadTracker}, refused with 503 {@code overloaded}
 * when full, and visible to the gateway's load-aware routing through {@code /readyz}), at most
 * {@code max-concurrent-calls} run at once (the rest wait, within the timeout), and it is measured
 * ({@code meridian.embeddings.calls}, {@code meridian.model.tokens}). The trade-off: an embedding
 * that fails is not retried here; the gateway re-sends it to another region, or the client retries.
 */
public final class EmbeddingService implements AutoCloseable {

    private final EmbeddingBackend backend;

    private final String model;

    private final LoadTracker load;

    private final Scheduler scheduler;

    private final Duration timeout;

    private final @Nullable MeterRegistry meters;

    /**
     * @param backend   the backend that embeds
     * @param model     the region's embedding model
     * @param load      the region's capacity
     * @param scheduler where the blocking calls run, bounded to the concurrent calls allowed
     * @param timeout   the longest a call may take, waiting for the scheduler included
     * @param meters    where calls are measured, or {@code null}
     */
    EmbeddingService(EmbeddingBackend backend, String model, LoadTracker load, Scheduler scheduler,
            Duration timeout, @Nullable MeterRegistry meters) {
        this.backend = backend;
        this.model = model;
        this.load = load;
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.meters = meters;
    }

    /**
     * The backend.
     *
     * @return the backend that embeds
     */
    public EmbeddingBackend backend() {
        return backend;
    }

    /**
     * The region's embedding model.
     *
     * @return its name, e.g. {@code nomic-embed-text}
     */
    public String model() {
        return model;
    }

    /**
     * Embeds the inputs.
     *
     * @param model      the model
     * @param inputs     the inputs, already checked
     * @param dimensions the vectors' length, or {@code null}
     * @param user       the end user, or {@code null}
     * @return the vectors; an {@link OverloadedException} when the region is at capacity, a
     *         {@link ModelTimeoutException} past the timeout, a {@link ModelFailureException} when
     *         the model server fails
     */
    public Mono<EmbeddingBackend.Embeddings> embed(String model, List<EmbeddingInput> inputs,
            @Nullable Integer dimensions, @Nullable String user) {
        return Mono.defer(() -> {
            if (!load.tryAcquire()) {
                return Mono.error(new OverloadedException(load.capacity()));
            }
            long start = System.nanoTime();
            return Mono.fromCallable(() -> backend.embed(model, inputs, dimensions, user))
                    .subscribeOn(scheduler)
                    .timeout(timeout)
                    .onErrorMap(TimeoutException.class, late -> new ModelTimeoutException(backend.name(), timeout))
                    .doOnSuccess(answer -> measure(model, "success", start, answer))
                    .doOnError(failure -> measure(model,
                            failure instanceof ModelTimeoutException ? "timeout" : "error", start, null))
                    .doFinally(signal -> load.release());
        });
    }

    /** Stops the scheduler the calls run on. */
    @Override
    public void close() {
        scheduler.dispose();
    }

    private void measure(String model, String outcome, long start, EmbeddingBackend.@Nullable Embeddings answer) {
        if (meters == null) {
            return;
        }
        Timer.builder("meridian.embeddings.calls").description("Embeddings calls, by backend, model and outcome")
                .tag("backend", backend.name()).tag("model", model).tag("outcome", outcome)
                .publishPercentileHistogram().register(meters).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (answer != null) {
            Counter.builder("meridian.model.tokens").description("Model tokens: in (prompt) and out (completion)")
                    .baseUnit("tokens").tag("backend", backend.name()).tag("model", model).tag("direction", "in")
                    .register(meters).increment(answer.promptTokens());
        }
    }
}
