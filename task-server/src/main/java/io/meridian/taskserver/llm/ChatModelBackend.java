package io.meridian.taskserver.llm;

import io.meridian.taskserver.tracing.TaskTracing;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.util.StringUtils;
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
 * <p>The model is passed per call as chat options derived from the model's defaults, so other
 * {@code spring.ai.<provider>.chat.*} options still apply. Any failure, including an answer
 * without text, becomes a {@link ModelFailureException}; the upstream detail goes to the log and
 * the exception's cause, not to the client.
 *
 * <p>A conversation keeps its roles: system (and developer), user and assistant messages become
 * Spring AI's messages of the same roles. {@link #stream} uses {@link ChatModel#stream}, a
 * non-blocking exchange subscribed on the same scheduler; the last step's usage is the last one
 * the model server reported (Ollama on its final chunk, OpenAI-compatible servers on a final
 * usage chunk when {@code stream_options.include_usage} is on).
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

    ChatModelBackend(String name, ChatModel chatModel, String defaultModel, Scheduler scheduler) {
        this(name, chatModel, defaultModel, scheduler, TaskTracing.NONE);
    }

    ChatModelBackend(String name, ChatModel chatModel, String defaultModel, Scheduler scheduler, TaskTracing tracing) {
        this.tracing = tracing;
        this.name = name;
        this.chatModel = chatModel;
        this.defaultModel = defaultModel;
        this.scheduler = scheduler;
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
                .map(answer -> toCompletion(answer, model))
                .switchIfEmpty(Mono.error(() -> new ModelFailureException(name, noTextMessage())))
                .onErrorMap(error -> !(error instanceof ModelFailureException), this::failure);
    }

    @Override
    public Flux<CompletionDelta> stream(CompletionRequest request) {
        String model = request.model() != null ? request.model() : defaultModel;
        return Flux.defer(() -> {
            StringBuilder text = new StringBuilder();
            StreamState state = new StreamState(model);
            Observation attempt = tracing.current();
            Prompt prompt = prompt(request, model, attempt);
            return Flux.defer(() -> chatModel.stream(prompt))
                    // A streamed call finds its parent observation in the Reactor context.
                    .contextWrite(context -> attempt == null ? context
                            : context.put(ObservationThreadLocalAccessor.KEY, attempt))
                    .subscribeOn(scheduler)
                    .concatMap(response -> {
                        String piece = state.take(response);
                        text.append(piece);
                        return piece.isEmpty() ? Flux.<CompletionDelta>empty()
                                : Flux.just(CompletionDelta.token(piece));
                    })
                    .concatWith(Mono.fromSupplier(() -> {
                        if (text.isEmpty()) {
                            throw new ModelFailureException(name, noTextMessage());
                        }
                        return CompletionDelta.last("", new Completion(text.toString(), state.model, name,
                                TokenUsage.of(state.promptTokens, state.completionTokens)));
                    }));
        }).onErrorMap(error -> !(error instanceof ModelFailureException), this::failure);
    }

    /** What a stream's chunks said about model and usage; the last non-empty report wins. */
    private static final class StreamState {

        String model;

        int promptTokens;

        int completionTokens;

        StreamState(String model) {
            this.model = model;
        }

        String take(ChatResponse response) {
            ChatResponseMetadata metadata = response.getMetadata();
            if (StringUtils.hasText(metadata.getModel())) {
                model = metadata.getModel();
            }
            Usage usage = metadata.getUsage();
            if (orZero(usage.getPromptTokens()) + orZero(usage.getCompletionTokens()) > 0) {
                promptTokens = orZero(usage.getPromptTokens());
                completionTokens = orZero(usage.getCompletionTokens());
            }
            Generation generation = response.getResult();
            String piece = generation != null ? generation.getOutput().getText() : null;
            return piece != null ? piece : "";
        }
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
        ChatOptions.Builder<?> builder = chatModel.getOptions().mutate().model(model);
        Map<String, String> trace = tracing.headers(attempt);
        if (!trace.isEmpty() && builder instanceof OpenAiChatOptions.Builder openAi
                && chatModel.getOptions() instanceof OpenAiChatOptions defaults) {
            // The OpenAI SDK's HTTP client is not observed: the trace goes as headers of the request.
            Map<String, String> headers = new HashMap<>();
            if (defaults.getCustomHeaders() != null) {
                headers.putAll(defaults.getCustomHeaders());
            }
            headers.putAll(trace);
            openAi.customHeaders(headers);
        }
        if (request.maxTokens() != null) {
            // Ollama's num_predict, OpenAI's max_tokens: the model stops where the budget does.
            builder.maxTokens(request.maxTokens());
        }
        ChatOptions options = builder.build();
        if (request.messages().isEmpty()) {
            return new Prompt(new UserMessage(request.query()), options);
        }
        List<Message> messages = new ArrayList<>(request.messages().size());
        for (ChatMessage message : request.messages()) {
            messages.add(switch (message.role()) {
                case ChatMessage.SYSTEM, ChatMessage.DEVELOPER -> new SystemMessage(message.content());
                case ChatMessage.ASSISTANT -> new AssistantMessage(message.content());
                default -> new UserMessage(message.content());
            });
        }
        return new Prompt(messages, options);
    }

    private Completion toCompletion(ChatResponse response, String requestedModel) {
        Generation generation = response.getResult();
        String text = generation != null ? generation.getOutput().getText() : null;
        if (text == null) {
            throw new ModelFailureException(name, noTextMessage());
        }
        ChatResponseMetadata metadata = response.getMetadata();
        String model = StringUtils.hasText(metadata.getModel()) ? metadata.getModel() : requestedModel;
        Usage usage = metadata.getUsage();
        return new Completion(text, model, name,
                TokenUsage.of(orZero(usage.getPromptTokens()), orZero(usage.getCompletionTokens())));
    }

    private String noTextMessage() {
        return "model backend '" + name + "' answered without text";
    }

    private static int orZero(@Nullable Integer count) {
        return count != null ? count : 0;
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
