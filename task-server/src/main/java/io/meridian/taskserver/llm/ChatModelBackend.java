package io.meridian.taskserver.llm;

import io.meridian.taskserver.tracing.TaskTracing;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.util.StringUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.json.JsonMapper;

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
 * <p>The request's {@link ChatParameters} become the call's options, each through the provider's
 * own option where Spring AI's portable {@link ChatOptions} has none: sampling, penalties and stop
 * sequences are portable; the seed, {@code response_format} (OpenAI's) or {@code format} (Ollama's:
 * {@code "json"} or the schema itself) and {@code tool_choice} (OpenAI only) are not. Ollama calls
 * also carry the configured {@code keep_alive}. The request's tools are offered as tool callbacks
 * that only describe them: Spring AI 2's chat models do not run tools, they return the calls the
 * model asked for, which this backend passes on for the client to run; the callbacks refuse to be
 * called. What the provider cannot do ({@link #supports()}) never reaches here: the request was
 * refused.
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

    private final @Nullable String keepAlive;

    private final JsonMapper json = JsonMapper.builder().build();

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
     * @param keepAlive    Ollama's {@code keep_alive} for every call, or {@code null} for the server's
     */
    ChatModelBackend(String name, ChatModel chatModel, String defaultModel, Scheduler scheduler, TaskTracing tracing,
            Set<ChatParameter> supported, @Nullable String keepAlive) {
        this.tracing = tracing;
        this.name = name;
        this.chatModel = chatModel;
        this.defaultModel = defaultModel;
        this.scheduler = scheduler;
        this.supported = Set.copyOf(supported);
        this.keepAlive = keepAlive;
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
                        if (text.isEmpty() && state.toolCalls.isEmpty()) {
                            throw new ModelFailureException(name, noTextMessage());
                        }
                        List<ToolCall> calls = toolCalls(new ArrayList<>(state.toolCalls.values()));
                        return CompletionDelta.last("", new Completion(text.toString(), state.model, name,
                                TokenUsage.of(state.promptTokens, state.completionTokens),
                                Completion.finishReason(state.finishReason, !calls.isEmpty()), calls));
                    }));
        }).onErrorMap(error -> !(error instanceof ModelFailureException), this::failure);
    }

    /**
     * What a stream's chunks said about model, usage, finish reason and tool calls; the last
     * non-empty report wins. A tool call reported again under the same id (a merged one) replaces
     * the earlier report.
     */
    private static final class StreamState {

        String model;

        int promptTokens;

        int completionTokens;

        @Nullable String finishReason;

        final Map<String, AssistantMessage.ToolCall> toolCalls = new LinkedHashMap<>();

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
            if (generation == null) {
                return "";
            }
            String reason = generation.getMetadata().getFinishReason();
            if (StringUtils.hasText(reason)) {
                finishReason = reason;
            }
            for (AssistantMessage.ToolCall call : generation.getOutput().getToolCalls()) {
                String key = StringUtils.hasText(call.id()) ? call.id() : "#" + toolCalls.size();
                toolCalls.put(key, call);
            }
            String piece = generation.getOutput().getText();
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
            // Ollama's num_predict, OpenAI's max_tokens or max_completion_tokens (as the client named
            // it; Spring AI sends one or the other): the model stops where the budget does.
            if (request.parameters().maxCompletionTokens() && builder instanceof OpenAiChatOptions.Builder openAi) {
                openAi.maxCompletionTokens(request.maxTokens());
            }
            else {
                builder.maxTokens(request.maxTokens());
            }
        }
        parameters(builder, request.parameters());
        ChatOptions options = builder.build();
        if (request.messages().isEmpty()) {
            return new Prompt(new UserMessage(request.query()), options);
        }
        List<Message> messages = new ArrayList<>(request.messages().size());
        Map<String, String> toolNames = new HashMap<>();
        for (ChatMessage message : request.messages()) {
            message.toolCalls().forEach(call -> toolNames.put(call.id(), call.name()));
            messages.add(switch (message.role()) {
                case ChatMessage.SYSTEM, ChatMessage.DEVELOPER -> new SystemMessage(message.content());
                case ChatMessage.ASSISTANT -> AssistantMessage.builder().content(message.content())
                        .toolCalls(message.toolCalls().stream()
                                .map(call -> new AssistantMessage.ToolCall(call.id(), "function", call.name(),
                                        call.arguments()))
                                .toList())
                        .build();
                case ChatMessage.TOOL -> {
                    String id = message.toolCallId() != null ? message.toolCallId() : "";
                    // Spring AI's tool response has a name, which OpenAI's wire does not: the call's.
                    yield ToolResponseMessage.builder().responses(List.of(new ToolResponseMessage.ToolResponse(id,
                            toolNames.getOrDefault(id, ""), message.content()))).build();
                }
                default -> new UserMessage(message.content());
            });
        }
        return new Prompt(messages, options);
    }

    /** Sets the request's chat parameters on the call's options, each the provider's way. */
    private void parameters(ChatOptions.Builder<?> builder, ChatParameters parameters) {
        if (parameters.temperature() != null) {
            builder.temperature(parameters.temperature());
        }
        if (parameters.topP() != null) {
            builder.topP(parameters.topP());
        }
        if (parameters.presencePenalty() != null) {
            builder.presencePenalty(parameters.presencePenalty());
        }
        if (parameters.frequencyPenalty() != null) {
            builder.frequencyPenalty(parameters.frequencyPenalty());
        }
        List<ChatParameters.Tool> tools = parameters.offeredTools();
        if (!tools.isEmpty() && builder instanceof ToolCallingChatOptions.Builder<?> toolCalling) {
            toolCalling.toolCallbacks(tools.stream().<ToolCallback>map(ClientTool::new).toList());
        }
        ChatParameters.ResponseFormat format = parameters.responseFormat();
        if (builder instanceof OllamaChatOptions.Builder ollama) {
            if (!parameters.stop().isEmpty()) {
                ollama.stop(parameters.stop());
            }
            if (parameters.seed() != null) {
                ollama.seed(parameters.seed());
            }
            if (format != null) {
                // Ollama's format: "json" for JSON mode, else the schema itself as a JSON object.
                ollama.format(format.schema() == null ? "json" : json.readValue(format.schema(), Map.class));
            }
            if (keepAlive != null) {
                ollama.keepAlive(keepAlive);
            }
        }
        else if (builder instanceof OpenAiChatOptions.Builder openAi) {
            if (!parameters.stop().isEmpty()) {
                openAi.stop(parameters.stop());
            }
            if (parameters.seed() != null) {
                openAi.seed(parameters.seed());
            }
            if (format != null) {
                openAi.responseFormat(format.schema() == null
                        ? OpenAiChatModel.ResponseFormat.builder().type(OpenAiChatModel.ResponseFormat.Type.JSON_OBJECT).build()
                        : OpenAiChatModel.ResponseFormat.builder().type(OpenAiChatModel.ResponseFormat.Type.JSON_SCHEMA)
                                .jsonSchema(format.schema()).strict(format.strict()).build());
            }
            ChatParameters.ToolChoice choice = parameters.toolChoice();
            if (choice != null) {
                // Spring AI reads a string tool choice as a mode, or as the JSON of a named choice.
                openAi.toolChoice(choice.function() == null ? choice.mode()
                        : json.writeValueAsString(Map.of("type", "function", "function",
                                Map.of("name", choice.function()))));
            }
        }
        else if (!parameters.stop().isEmpty()) {
            builder.stopSequences(parameters.stop());
        }
    }

    /**
     * A tool of the request, offered to the model. The client runs it, not this server: the chat
     * model returns the model's calls, and a call that reached here anyway is refused.
     */
    private record ClientTool(ChatParameters.Tool tool) implements ToolCallback, ToolDefinition {

        @Override
        public ToolDefinition getToolDefinition() {
            return this;
        }

        @Override
        public String call(String toolInput) {
            throw new IllegalStateException("tool '" + tool.name() + "' is the client's to run, not this server's");
        }

        @Override
        public String name() {
            return tool.name();
        }

        @Override
        public String description() {
            return tool.description() != null ? tool.description() : "";
        }

        @Override
        public String inputSchema() {
            return tool.parameters();
        }
    }

    /** The calls as answered, each with an id: a server that gives none (older Ollama) gets one here. */
    private static List<ToolCall> toolCalls(List<AssistantMessage.ToolCall> calls) {
        List<ToolCall> answered = new ArrayList<>(calls.size());
        for (AssistantMessage.ToolCall call : calls) {
            String id = StringUtils.hasText(call.id()) ? call.id()
                    : "call_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            answered.add(new ToolCall(id, call.name(), StringUtils.hasText(call.arguments()) ? call.arguments() : "{}"));
        }
        return answered;
    }

    private Completion toCompletion(ChatResponse response, String requestedModel) {
        Generation generation = response.getResult();
        String text = generation != null ? generation.getOutput().getText() : null;
        List<ToolCall> calls = generation != null ? toolCalls(generation.getOutput().getToolCalls()) : List.of();
        if (text == null && calls.isEmpty()) {
            throw new ModelFailureException(name, noTextMessage());
        }
        ChatResponseMetadata metadata = response.getMetadata();
        String model = StringUtils.hasText(metadata.getModel()) ? metadata.getModel() : requestedModel;
        Usage usage = metadata.getUsage();
        return new Completion(text != null ? text : "", model, name,
                TokenUsage.of(orZero(usage.getPromptTokens()), orZero(usage.getCompletionTokens())),
                Completion.finishReason(generation.getMetadata().getFinishReason(), !calls.isEmpty()), calls);
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
