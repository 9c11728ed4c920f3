package io.meridian.taskserver.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link ChatBackend} that measures every model call: {@code meridian.model.calls} (a timer by
 * backend, model and outcome), {@code meridian.model.tokens} (prompt and completion tokens by
 * backend, model and direction {@code in}/{@code out}) and {@code meridian.model.ttft} (time to the
 * first piece of a streamed answer).
 *
 * <p>Tags stay bounded: the backend is one of three names; the model is the one that answered as
 * the backend names it (a deployment runs a handful), and a model name longer than 64 characters
 * or past the first {@value #MAX_MODELS} distinct ones is counted as {@code other}.
 */
public final class MeteredChatBackend implements ChatBackend {

    static final int MAX_MODELS = 32;

    private final ChatBackend delegate;
    private final MeterRegistry registry;
    private final Map<String, String> models = new ConcurrentHashMap<>();

    public MeteredChatBackend(ChatBackend delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    /** The backend measured. */
    public ChatBackend delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String defaultModel() {
        return delegate.defaultModel();
    }

    @Override
    public String answersAs(@Nullable String model) {
        return delegate.answersAs(model);
    }

    @Override
    public Set<ChatParameter> supports() {
        return delegate.supports();
    }

    @Override
    public Mono<Completion> complete(CompletionRequest request) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            String asked = request.model() != null ? request.model() : delegate.defaultModel();
            return delegate.complete(request)
                    .doOnNext(completion -> answered(completion, start))
                    .doOnError(error -> failed(asked, start, error));
        });
    }

    @Override
    public Flux<CompletionDelta> stream(CompletionRequest request) {
        return Flux.defer(() -> {
            long start = System.nanoTime();
            String asked = request.model() != null ? request.model() : delegate.defaultModel();
            AtomicBoolean first = new AtomicBoolean(true);
            return delegate.stream(request)
                    .doOnNext(step -> {
                        if (!step.text().isEmpty() && first.compareAndSet(true, false)) {
                            Timer.builder("meridian.model.ttft").description("Time to the first piece of a streamed answer")
                                    .tag("backend", delegate.name()).tag("model", model(asked))
                                    .publishPercentileHistogram().register(registry)
                                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                        }
                        if (step.completion() != null) {
                            answered(step.completion(), start);
                        }
                    })
                    .doOnError(error -> failed(asked, start, error));
        });
    }

    private void answered(Completion completion, long start) {
        String model = model(completion.model());
        calls(model, "success").record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        tokens(model, "in").increment(completion.usage().promptTokens());
        tokens(model, "out").increment(completion.usage().completionTokens());
    }

    private void failed(String asked, long start, Throwable error) {
        String outcome = error instanceof ModelTimeoutException ? "timeout" : "error";
        calls(model(asked), outcome).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private Timer calls(String model, String outcome) {
        return Timer.builder("meridian.model.calls").description("Model calls, by backend, model and outcome")
                .tag("backend", delegate.name()).tag("model", model).tag("outcome", outcome)
                .publishPercentileHistogram().register(registry);
    }

    private Counter tokens(String model, String direction) {
        return Counter.builder("meridian.model.tokens").description("Model tokens: in (prompt) and out (completion)")
                .baseUnit("tokens").tag("backend", delegate.name()).tag("model", model).tag("direction", direction)
                .register(registry);
    }

    /** The model as a bounded tag value. */
    private String model(String model) {
        String known = models.get(model);
        if (known != null) {
            return known;
        }
        if (model.length() > 64 || models.size() >= MAX_MODELS) {
            return "other";
        }
        return models.computeIfAbsent(model, key -> key);
    }
}
