package io.meridian.taskserver.task;

import io.meridian.taskserver.llm.ChatMessage;
import io.meridian.taskserver.llm.ChatParameters;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.InvalidRequestException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A validated task request, the body of {@code POST /v1/tasks} and {@code POST /process}:
 * {@code {"query": "...", "kind": "simple", "model": "..."}}.
 *
 * <p>The body is read as a JSON tree and checked by hand rather than bound to this record, because
 * data binding would coerce {@code {"query": 42}} into the string {@code "42"}; here every wrong
 * shape is refused with the field and the rule it broke. Unknown fields are ignored, so clients may
 * send fields a later version understands.
 *
 * @param query the user's text: not blank, at most {@code meridian.server.max-query-length}
 *              characters
 * @param kind  the queue the client asked for (one of the queues' names), or {@code null} to let
 *              the classifier pick
 * @param model the model to ask, or {@code null} for the queue's model. Any model the model
 *              server has can be named: the model server, not this field, decides what exists
 * @param messages the conversation with its roles (a chat completion), or empty; {@code query} is
 *              then its role-tagged transcript, which the length limit and the classifier read
 * @param stream whether the client streams the answer
 * @param maxTokens the most tokens the answer may have (a chat completion's {@code max_tokens}, or
 *              the gateway's reservation), or {@code null} for the model's own limit
 * @param parameters a chat completion's other parameters, which the model is called with;
 *              {@link ChatParameters#NONE} for a plain query
 */
public record TaskRequest(String query, @Nullable String kind, @Nullable String model, List<ChatMessage> messages,
        boolean stream, @Nullable Integer maxTokens, ChatParameters parameters) {

    /**
     * Copies the messages.
     */
    public TaskRequest {
        messages = List.copyOf(messages);
    }

    /**
     * A request of a plain query.
     *
     * @param query the user's text
     * @param kind  the queue asked for, or {@code null}
     * @param model the model asked for, or {@code null}
     */
    public TaskRequest(String query, @Nullable String kind, @Nullable String model) {
        this(query, kind, model, List.of(), false, null, ChatParameters.NONE);
    }

    /**
     * A request without a cap on its answer.
     *
     * @param query    the user's text
     * @param kind     the queue asked for, or {@code null}
     * @param model    the model asked for, or {@code null}
     * @param messages the conversation, or empty
     * @param stream   whether the answer is streamed
     */
    public TaskRequest(String query, @Nullable String kind, @Nullable String model, List<ChatMessage> messages,
            boolean stream) {
        this(query, kind, model, messages, stream, null, ChatParameters.NONE);
    }

    /**
     * The same request, its answer held to at most {@code cap} tokens as well.
     *
     * @param cap the gateway's cap ({@link io.meridian.taskserver.web.TenantHeaders#MAX_TOKENS}),
     *            or {@code null} for none
     * @return the request with the smaller of its own cap and {@code cap}
     */
    public TaskRequest cappedAt(@Nullable Integer cap) {
        if (cap == null || (maxTokens != null && maxTokens <= cap)) {
            return this;
        }
        return new TaskRequest(query, kind, model, messages, stream, cap, parameters);
    }

    private static final int MAX_MODEL_LENGTH = 200;

    /** A model name as model servers spell them: {@code qwen3:14b}, {@code hf.co/org/repo:Q4_K_M}. */
    private static final Pattern MODEL_NAME =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0," + (MAX_MODEL_LENGTH - 1) + "}");

    /**
     * Validates a request body.
     *
     * @param body           the body as a JSON tree
     * @param maxQueryLength the longest accepted query, in characters (code points)
     * @param kinds          the queue names a client may ask for
     * @return the request
     * @throws InvalidRequestException naming the field and the rule, if the body is not acceptable
     */
    public static TaskRequest from(JsonNode body, int maxQueryLength, Collection<String> kinds) {
        if (!body.isObject()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST,
                    "request body must be a JSON object such as {\"query\": \"...\"}, but was " + describe(body), null);
        }
        JsonNode queryNode = body.get("query");
        if (queryNode == null || queryNode.isNull()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, "query is required", "query");
        }
        if (!queryNode.isString()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST,
                    "query must be a JSON string, but was " + describe(queryNode), "query");
        }
        String query = queryNode.stringValue();
        if (query.isBlank()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, "query must not be blank", "query");
        }
        int length = query.codePointCount(0, query.length());
        if (length > maxQueryLength) {
            throw new InvalidRequestException(ApiError.QUERY_TOO_LONG,
                    "query must be at most " + maxQueryLength + " characters, but had " + length, "query");
        }
        return new TaskRequest(query, kind(body.get("kind"), kinds), model(body.get("model")));
    }

    private static @Nullable String kind(@Nullable JsonNode kindNode, Collection<String> kinds) {
        if (kindNode == null || kindNode.isNull()) {
            return null;
        }
        if (!kindNode.isString()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST,
                    "kind must be a JSON string, but was " + describe(kindNode), "kind");
        }
        String kind = kindNode.stringValue();
        if (!kinds.contains(kind)) {
            String shown = kind.length() > MAX_MODEL_LENGTH ? kind.substring(0, MAX_MODEL_LENGTH) + "..." : kind;
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, "kind must be one of "
                    + kinds.stream().map(k -> "'" + k + "'").toList() + ", but was '" + shown + "'", "kind");
        }
        return kind;
    }

    /**
     * Checks a model name a client sent.
     *
     * @param modelNode the {@code model} field, or {@code null} if absent
     * @return the model, or {@code null} if absent or JSON null
     * @throws InvalidRequestException naming the field {@code model}, if it is not a model name
     */
    public static @Nullable String model(@Nullable JsonNode modelNode) {
        if (modelNode == null || modelNode.isNull()) {
            return null;
        }
        if (!modelNode.isString()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST,
                    "model must be a JSON string, but was " + describe(modelNode), "model");
        }
        String model = modelNode.stringValue();
        if (!MODEL_NAME.matcher(model).matches()) {
            String shown = model.length() > MAX_MODEL_LENGTH ? model.substring(0, MAX_MODEL_LENGTH) + "..." : model;
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, "model must be a model name such as 'qwen3' "
                    + "or 'qwen3:14b' (letters, digits and ._:/@+-, at most " + MAX_MODEL_LENGTH
                    + " characters), but was '" + shown + "'", "model");
        }
        return model;
    }

    private static String describe(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "array", "object" -> "an " + type;
            default -> "a " + type;
        };
    }
}
