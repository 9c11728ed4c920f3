package io.meridian.taskserver.chat;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.ChatMessage;
import io.meridian.taskserver.llm.ChatParameter;
import io.meridian.taskserver.llm.ChatParameters;
import io.meridian.taskserver.llm.ToolCall;
import io.meridian.taskserver.models.ModelCatalog;
import io.meridian.taskserver.models.ModelNotFoundException;
import io.meridian.taskserver.task.TaskRequest;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.JsonNumbers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A validated {@code POST /v1/chat/completions} body, in OpenAI's shape:
 * {@code {"model": "qwen3", "messages": [{"role": "user", "content": "..."}], "stream": false}}.
 *
 * <p>Like {@link TaskRequest}, the body is checked by hand from the JSON tree, so that each wrong
 * shape is refused naming its field as OpenAI's documentation names it ({@code messages[2].role},
 * {@code temperature}). A {@code content} may be a string or an array of text parts; other parts
 * (images, audio) are refused rather than silently dropped. Tool use has its two message shapes:
 * an {@code assistant} message with {@code tool_calls} (its content may be null) and a
 * {@code tool} message with {@code tool_call_id}. The chat parameters ({@link ChatParameters},
 * read by {@link ChatParametersReader}) travel with the task to the model; those the configured
 * backend cannot honour are refused ({@link #refuseUnsupported}), never dropped. Unknown fields are
 * ignored, as OpenAI clients send many.
 *
 * @param model         the model asked for, or {@code null} for the classifier's choice; a queue's
 *                      name ({@code simple}, {@code complex}) picks that queue and its model, and
 *                      an alias what it stands for ({@link ModelCatalog}); any other name is
 *                      refused with 404 {@code model_not_found}
 * @param kind          the queue named by {@code model}, or {@code null}
 * @param messages      the conversation, at least one message
 * @param stream        whether the answer is streamed as server-sent events
 * @param includeUsage  whether a streamed answer ends with a usage chunk
 *                      ({@code stream_options.include_usage})
 * @param maxTokens     the most tokens of the answer ({@code max_completion_tokens}, else
 *                      {@code max_tokens}), or {@code null} for the model's own limit
 * @param parameters    the other chat parameters set
 */
record ChatCompletionRequest(@Nullable String model, @Nullable String kind, List<ChatMessage> messages,
        boolean stream, boolean includeUsage, @Nullable Integer maxTokens, ChatParameters parameters) {

    private static final Map<String, String> ARTICLES = Map.of("array", "an", "object", "an");

    /**
     * Validates a request body.
     *
     * @param body   the body as a JSON tree
     * @param models the names {@code model} may use
     * @return the request
     * @throws InvalidRequestException naming the field and the rule, if the body is not acceptable
     * @throws ModelNotFoundException if {@code model} names a model the region does not serve
     */
    static ChatCompletionRequest from(JsonNode body, ModelCatalog models) {
        return from(body, models, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * Validates a request body within the server's limits.
     *
     * @param body        the body as a JSON tree
     * @param models      the names {@code model} may use: a queue's model, a queue, an alias
     * @param maxMessages most messages accepted
     * @param maxTokens   largest {@code max_tokens} accepted
     * @return the request
     * @throws InvalidRequestException naming the field and the rule, if the body is not acceptable
     * @throws ModelNotFoundException if {@code model} names a model the region does not serve
     */
    static ChatCompletionRequest from(JsonNode body, ModelCatalog models, int maxMessages, int maxTokens) {
        if (!body.isObject()) {
            throw invalid("request body must be a JSON object such as {\"model\": \"...\", \"messages\": [...]}, "
                    + "but was " + describe(body), null);
        }
        ModelCatalog.Target target = models.resolve(TaskRequest.model(body.get("model")));
        String model = target.model();
        String kind = target.queue();
        JsonNode messageNodes = body.get("messages");
        if (messageNodes != null && messageNodes.isArray() && messageNodes.size() > maxMessages) {
            throw new InvalidRequestException(ApiError.TOO_MANY_MESSAGES, "messages may hold at most " + maxMessages
                    + " messages (meridian.server.max-messages), but had " + messageNodes.size(), "messages");
        }
        List<ChatMessage> messages = messages(messageNodes);
        boolean stream = bool(body.get("stream"), "stream");
        JsonNode streamOptions = body.get("stream_options");
        boolean includeUsage = false;
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) {
                throw invalid("stream_options must be a JSON object, but was " + describe(streamOptions),
                        "stream_options");
            }
            includeUsage = bool(streamOptions.get("include_usage"), "stream_options.include_usage");
        }
        Integer maxTokensCap = tokenCap(body.get("max_tokens"), "max_tokens", maxTokens);
        Integer completionCap = tokenCap(body.get("max_completion_tokens"), "max_completion_tokens", maxTokens);
        JsonNode n = body.get("n");
        if (n != null && !n.isNull()) {
            BigInteger choices = JsonNumbers.integralValue(n, "n", 1, 1);
            if (!choices.equals(BigInteger.ONE)) {
                throw invalid("n must be 1: one choice per completion is supported, but was "
                        + JsonNumbers.shown(choices), "n");
            }
        }
        ChatParameters parameters = ChatParametersReader.read(body);
        return new ChatCompletionRequest(model, kind, messages, stream, includeUsage,
                completionCap != null ? completionCap : maxTokensCap, parameters);
    }

    /**
     * Refuses the request if it sets a parameter the backend does not honour.
     *
     * @param backend the backend that would answer
     * @return this request
     * @throws InvalidRequestException naming the first such parameter's field
     */
    ChatCompletionRequest refuseUnsupported(ChatBackend backend) {
        Set<ChatParameter> supported = backend.supports();
        for (ChatParameter used : parameters.used()) {
            if (!supported.contains(used)) {
                throw invalid(used.description() + " is not supported by this region's model backend ('"
                        + backend.name() + "')", used.field());
            }
        }
        return this;
    }

    /**
     * The task this request asks for.
     *
     * @param maxQueryLength the most characters its transcript may have
     * @return the task request
     * @throws InvalidRequestException if the transcript is too long
     */
    TaskRequest toTask(int maxQueryLength) {
        String text = transcript();
        int length = text.codePointCount(0, text.length());
        if (length > maxQueryLength) {
            throw new InvalidRequestException(ApiError.QUERY_TOO_LONG, "messages must hold at most " + maxQueryLength
                    + " characters in all (with a role tag per message), but had " + length, "messages");
        }
        return new TaskRequest(text, kind, model, messages, stream, maxTokens, parameters);
    }

    /**
     * The conversation as one role-tagged text, which is the task's query: what the length limit
     * and the classifier read, and what a backend without roles would see.
     *
     * @return one {@code role: content} paragraph per message
     */
    String transcript() {
        StringBuilder text = new StringBuilder();
        for (ChatMessage message : messages) {
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(message.role()).append(": ").append(message.content());
        }
        return text.toString();
    }

    private static List<ChatMessage> messages(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            throw invalid("messages is required", "messages");
        }
        if (!node.isArray()) {
            throw invalid("messages must be a JSON array of {\"role\", \"content\"} objects, but was "
                    + describe(node), "messages");
        }
        if (node.isEmpty()) {
            throw invalid("messages must hold at least one message", "messages");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            messages.add(message(node.get(i), "messages[" + i + "]"));
        }
        return messages;
    }

    private static ChatMessage message(JsonNode node, String field) {
        if (!node.isObject()) {
            throw invalid(field + " must be a JSON object with role and content, but was " + describe(node), field);
        }
        JsonNode role = node.get("role");
        if (role == null || role.isNull()) {
            throw invalid(field + ".role is required", field + ".role");
        }
        if (!role.isString() || !ChatMessage.isRole(role.stringValue())) {
            throw invalid(field + ".role must be one of 'system', 'developer', 'user', 'assistant', 'tool', but was "
                    + (role.isString() ? "'" + echo(role.stringValue()) + "'" : describe(role)), field + ".role");
        }
        String name = role.stringValue().toLowerCase(Locale.ROOT);
        List<ToolCall> toolCalls = name.equals(ChatMessage.ASSISTANT)
                ? ChatParametersReader.toolCalls(node.get("tool_calls"), field + ".tool_calls") : List.of();
        JsonNode content = node.get("content");
        if (!toolCalls.isEmpty() && (content == null || content.isNull())) {
            // An assistant message that only called tools has no content.
            return new ChatMessage(name, "", toolCalls, null);
        }
        String text = content(content, field + ".content");
        if (name.equals(ChatMessage.TOOL)) {
            JsonNode id = node.get("tool_call_id");
            if (id == null || id.isNull()) {
                throw invalid(field + ".tool_call_id is required in a tool message", field + ".tool_call_id");
            }
            if (!id.isString()) {
                throw invalid(field + ".tool_call_id must be a JSON string, but was " + describe(id),
                        field + ".tool_call_id");
            }
            return new ChatMessage(name, text, List.of(), id.stringValue());
        }
        return new ChatMessage(name, text, toolCalls, null);
    }

    private static String content(@Nullable JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw invalid(field + " is required", field);
        }
        if (node.isString()) {
            return node.stringValue();
        }
        if (!node.isArray()) {
            throw invalid(field + " must be a string or an array of text parts, but was " + describe(node), field);
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < node.size(); j++) {
            JsonNode part = node.get(j);
            String partField = field + "[" + j + "]";
            JsonNode type = part.isObject() ? part.get("type") : null;
            if (type == null || !type.isString() || !type.stringValue().equals("text")) {
                throw invalid(partField + ".type must be 'text': only text content is supported", partField + ".type");
            }
            JsonNode partText = part.get("text");
            if (partText == null || !partText.isString()) {
                throw invalid(partField + ".text must be a JSON string", partField + ".text");
            }
            text.append(partText.stringValue());
        }
        return text.toString();
    }

    static boolean bool(@Nullable JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw invalid(field + " must be true or false, but was " + describe(node), field);
        }
        return node.booleanValue();
    }

    private static @Nullable Integer tokenCap(@Nullable JsonNode node, String field, int max) {
        if (node == null || node.isNull()) {
            return null;
        }
        BigInteger value = JsonNumbers.integralValue(node, field, 1, max);
        if (value.signum() <= 0) {
            throw invalid(field + " must be a positive integer, but was " + JsonNumbers.shown(value), field);
        }
        if (value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new InvalidRequestException(ApiError.MAX_TOKENS_TOO_LARGE, field + " may be at most " + max
                    + " (meridian.server.max-tokens), but was " + JsonNumbers.shown(value), field);
        }
        return value.intValueExact();
    }

    static InvalidRequestException invalid(String message, @Nullable String field) {
        return new InvalidRequestException(ApiError.INVALID_REQUEST, message, field);
    }

    static String echo(String text) {
        return text.length() <= 50 ? text : text.substring(0, 50) + "...";
    }

    static String describe(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return ARTICLES.getOrDefault(type, "a") + " " + type;
    }
}
