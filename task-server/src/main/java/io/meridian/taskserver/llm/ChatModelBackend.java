package io.meridian.taskserver.llm;

import io.meridian.taskserver.tracing.TaskTracing;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Adapts a Spring AI {@link ChatModel}: Ollama's, or OpenAI's for any OpenAI-compatible server.
 *
 * <p>{@link ChatModel#call} blocks until the model server answers, which can take a minute, so it
 * runs on {@code scheduler}: a bounded scheduler on virtual threads, never the event loop. The
 * bound is the number of calls that may wait on the model server at once; more calls queue. When
 * the caller cancels (its deadline passed), the scheduler interrupts the waiting thread, which
 * aborts the HTTP exchange.
 *
 * <p>The request becomes Spring AI's prompt through {@link PromptMapping}: the model, the token
 * cap and the request's {@link ChatParameters} as per-call chat options derived from the model's
 * defaults, so other {@code spring.ai.<provider>.chat.*} options still apply, and a conversation
 * with its roles. The answer becomes a {@link Completion} through {@link AnswerMapping}. Any
 * failure, including an answer without text, becomes a {@link ModelFailureException}; the upstream
 * detail goes to the log and the exception's cause, not to the client.
 *
 * <p>{@link #stream} uses {@link ChatModel#stream}, a non-blocking exchange subscribed on the same
 * scheduler; the model's chunks are passed on as they come, and their sum becomes the last delta.
 *
 * <p>This backend owns {@code scheduler} and disposes it on {@link #close()}.
 */
final class ChatModelBackend implements ChatBackend, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatModelBackend.class);

    private final String name;

    private final ChatModel chatModel;

    private final String defaultModel;

    private final Scheduler scheduler;

    private final TaskTracing tracing;

    private final Set<ChatParameter> supported;

    private final PromptMapping prompts;

    ChatModelBackend(String name, ChatModel chatModel, String defaultModel, Scheduler scheduler) {
        this(name, chatModel, defaultModel, scheduler, TaskTracing.NONE, Set.of(), null);
    }

    ChatModelBackend(String name, ChatModel chatModel, String defaultModel, Scheduler scheduler, TaskTracing tracing) {
        this(name, chatModel, defaultModel, scheduler, tracing, Set.of(), null);
    }

    /**
     * A backend over a chat model.
     *
     * @param name         the backend's name
     * @param chatModel    Spring AI's chat model
     * @param defaultModel the model of a request that names none
     * @param scheduler    where blocking calls run; this backend disposes it
     * @param tracing      the attempts' observations
     * @param supported    the chat parameters the provider honours
     * @param keepAlive    Ollama's {@code keep_alive} for a call that carries none, or {@code null} for the server's
     */
    ChatModelBackend(String name, ChatModel chatModel, String defaultModel, Scheduler scheduler, TaskTracing tracing,
            Set<ChatParameter> supported, @Nullable String keepAlive) {
        this.tracing = tracing;
        this.name = name;
        this.chatModel = chatModel;
        this.defaultModel = defaultModel;
        this.scheduler = scheduler;
        this.supported = Set.copyOf(supported);
        this.prompts = new PromptMapping(keepAlive);
    }

    @Override
    public Set<ChatParameter> supports() {
        return supported;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String defaultModel() {
        return defaultModel;
    }

    @Override
    public Mono<Completion> complete(CompletionRequest request) {
        String model = request.model() != null ? request.model() : defaultModel;
        // The attempt's observation, current on the caller's thread, is made current again on the
        // thread that calls the model, so the model call's observation and HTTP exchange are its children.
        Observation attempt = tracing.current();
        Mono<ChatResponse> response = Mono.defer(() -> {
            AtomicBoolean abandoned = new AtomicBoolean();
            Prompt prompt = prompt(request, model, attempt);
            return Mono.fromCallable(() -> call(prompt, attempt))
                    .subscribeOn(scheduler)
                    .doOnCancel(() -> abandoned.set(true)) // runs before subscribeOn interrupts the call
                    // An abandoned call still ends, in the exception its interrupt caused; nobody waits
                    // for it, so swallow it rather than have Reactor report it as dropped.
                    .onErrorResume(error -> abandoned.get(), error -> {
                        log.debug("Model backend '{}': abandoned call ended with {}", name, error.toString());
                        return Mono.never();
                    });
        });
        return response
                .map(answer -> AnswerMapping.completion(answer, model, name))
                .switchIfEmpty(Mono.error(() -> AnswerMapping.noText(name)))
                .onErrorMap(error -> !(error instanceof ModelFailureException), this::failure);
    }

    @Override
    public Flux<CompletionDelta> stream(CompletionRequest request) {
        String model = request.model() != null ? request.model() : defaultModel;
        return Flux.defer(() -> {
            AnswerMapping.Stream answer = new AnswerMapping.Stream(model, name);
            Observation attempt = tracing.current();
            Prompt prompt = prompt(request, model, attempt);
            return Flux.defer(() -> chatModel.stream(prompt))
                    // A streamed call finds its parent observation in the Reactor context.
                    .contextWrite(context -> attempt == null ? context
                            : context.put(ObservationThreadLocalAccessor.KEY, attempt))
                    .subscribeOn(scheduler)
                    .concatMap(response -> {
                        String piece = answer.take(response);
                        return piece.isEmpty() ? Flux.<CompletionDelta>empty()
                                : Flux.just(CompletionDelta.token(piece));
                    })
                    .concatWith(Mono.fromSupplier(() -> CompletionDelta.last("", answer.completion())));
        }).onErrorMap(error -> !(error instanceof ModelFailureException), this::failure);
    }

    private ChatResponse call(Prompt prompt, @Nullable Observation attempt) {
        if (attempt == null) {
            return chatModel.call(prompt);
        }
        try (Observation.Scope scope = attempt.openScope()) {
            return chatModel.call(prompt);
        }
    }

    private Prompt prompt(CompletionRequest request, String model, @Nullable Observation attempt) {
        return prompts.prompt(chatModel.getOptions(), request, model, tracing.headers(attempt));
    }

    private ModelFailureException failure(Throwable error) {
        log.warn("Model backend '{}' failed: {}", name, error.toString());
        log.debug("Model backend '{}' failure", name, error);
        return new ModelFailureException(name, "model backend '" + name + "' failed to answer", error);
    }

    @Override
    public void close() {
        scheduler.dispose();
    }
}
