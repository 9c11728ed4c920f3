package io.meridian.taskserver.process;

import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.InvalidRequestException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A validated {@code POST /process} body: {@code {"query": "...", "model": "..."}}.
 *
 * <p>The body is read as a JSON tree and checked by hand rather than bound to this record, because
 * data binding would coerce {@code {"query": 42}} into the string {@code "42"}; here every wrong
 * shape is refused with the field and the rule it broke. Unknown fields are ignored, so clients may
 * send fields a later version understands.
 *
 * @param query the user's text: not blank, at most {@code meridian.task-server.max-query-length}
 *              characters
 * @param model the model to ask, or {@code null} for the backend's default. Any model the model
 *              server has can be named: the model server, not this field, decides what exists
 */
public record ProcessRequest(String query, @Nullable String model) {

    private static final int MAX_MODEL_LENGTH = 200;

    /** A model name as model servers spell them: {@code qwen3:14b}, {@code hf.co/org/repo:Q4_K_M}. */
    private static final Pattern MODEL_NAME =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0," + (MAX_MODEL_LENGTH - 1) + "}");

    /**
     * Validates a request body.
     *
     * @param body           the body as a JSON tree
     * @param maxQueryLength the longest accepted query, in characters (code points)
     * @return the request
     * @throws InvalidRequestException naming the field and the rule, if the body is not acceptable
     */
    public static ProcessRequest from(JsonNode body, int maxQueryLength) {
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
        return new ProcessRequest(query, model(body.get("model")));
    }

    private static @Nullable String model(@Nullable JsonNode modelNode) {
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
