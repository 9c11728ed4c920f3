package io.meridian.taskserver.llm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a {@link CompletionRequest} becomes Spring AI's {@link Prompt}: its messages with their roles,
 * and its {@link ChatParameters} as the call's chat options, derived from the chat model's defaults
 * so that other {@code spring.ai.<provider>.chat.*} options still apply.
 *
 * <p>Each parameter goes through the provider's own option where Spring AI's portable
 * {@link ChatOptions} has none: sampling, penalties and stop sequences are portable; the seed,
 * {@code response_format} (OpenAI's) or {@code format} (Ollama's: {@code "json"} or the schema
 * itself) and {@code tool_choice} (OpenAI only) are not. Ollama calls also carry a
 * {@code keep_alive}: the request's, else the configured one; other providers have no such thing,
 * and a request's is ignored for them (it says how long the model stays loaded, not what it answers). The request's tools are offered as tool callbacks that only describe them:
 * Spring AI 2's chat models do not run tools, they return the calls the model asked for, which the
 * backend passes on for the client to run; the callbacks refuse to be called. What the provider
 * cannot do never reaches here: the request was refused ({@link ChatBackend#supports()}).
 */
final class PromptMapping {

    private final @Nullable String keepAlive;

    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * A mapping for one backend.
     *
     * @param keepAlive Ollama's {@code keep_alive} for a call that carries none of its own, or
     *                  {@code null} for the server's
     */
    PromptMapping(@Nullable String keepAlive) {
        this.keepAlive = keepAlive;
    }

    /**
     * The prompt of one call.
     *
     * @param defaults     the chat model's default options
     * @param request      what the backend is asked
     * @param model        the model to call
     * @param traceHeaders the call's trace as HTTP headers, for a client whose exchange is not
     *                     observed (OpenAI's SDK); empty for none
     * @return the request's messages (or its query as one user message) with the call's options
     */
    Prompt prompt(ChatOptions defaults, CompletionRequest request, String model, Map<String, String> traceHeaders) {
        ChatOptions options = options(defaults, request, model, traceHeaders);
        if (request.messages().isEmpty()) {
            return new Prompt(new UserMessage(request.query()), options);
        }
        return new Prompt(messages(request.messages()), options);
    }

    /**
     * The options of one call: the defaults with the request's model, token cap and parameters.
     *
     * @param defaults     the chat model's default options
     * @param request      what the backend is asked
     * @param model        the model to call
     * @param traceHeaders the call's trace as HTTP headers; empty for none
     * @return options of the defaults' type
     */
    ChatOptions options(ChatOptions defaults, CompletionRequest request, String model,
            Map<String, String> traceHeaders) {
        ChatOptions.Builder<?> builder = defaults.mutate().model(model);
        if (!traceHeaders.isEmpty() && builder instanceof OpenAiChatOptions.Builder openAi
                && defaults instanceof OpenAiChatOptions openAiDefaults) {
            // The OpenAI SDK's HTTP client is not observed: the trace goes as headers of the request.
            Map<String, String> headers = new HashMap<>();
            if (openAiDefaults.getCustomHeaders() != null) {
                headers.putAll(openAiDefaults.getCustomHeaders());
            }
            headers.putAll(traceHeaders);
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
        return builder.build();
    }

    /** The conversation as Spring AI's messages, each of its role. */
    private static List<Message> messages(List<ChatMessage> conversation) {
        List<Message> messages = new ArrayList<>(conversation.size());
        Map<String, String> toolNames = new HashMap<>();
        for (ChatMessage message : conversation) {
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
        return messages;
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
            String residency = parameters.keepAlive() != null ? parameters.keepAlive() : keepAlive;
            if (residency != null) {
                ollama.keepAlive(residency);
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
}
