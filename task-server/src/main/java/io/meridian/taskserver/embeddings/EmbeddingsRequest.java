package io.meridian.taskserver.embeddings;

import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.JsonNumbers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An OpenAI embeddings request, as read from its JSON body and checked field by field; each fault is
 * a 400 {@code invalid_request} naming the field at fault, down to the element ({@code input[3]},
 * {@code input[1][7]}).
 *
 * <p>{@code input} is a string, an array of strings, an array of token ids (one pre-tokenized
 * input) or an array of such arrays, as OpenAI takes it; an empty string, an empty array and a
 * mixed array are refused, as OpenAI refuses them. Fields OpenAI defines and Meridian does not
 * read are ignored, as are unknown ones, so a client written for a newer API still works.
 *
 * @param model          the model asked for, or {@code null} for the region's embedding model
 * @param inputs         the inputs, at least one
 * @param base64         whether the vectors are wanted base64-encoded ({@code encoding_format: base64})
 * @param dimensions     the vectors' length asked for, or {@code null} for the model's own
 * @param user           the end user the client names, or {@code null}
 */
record EmbeddingsRequest(@Nullable String model, List<EmbeddingInput> inputs, boolean base64,
        @Nullable Integer dimensions, @Nullable String user) {

    /** The largest {@code dimensions} any request may ask for. */
    static final int MAX_DIMENSIONS = 65_536;

    /** What an empty body is shown to look like. */
    static final String EXAMPLE = "{\"model\": \"...\", \"input\": \"text to embed\"}";

    private static final int SHOWN = 50;

    /**
     * Reads a request.
     *
     * @param body   the JSON body
     * @param limits the inputs' limits
     * @return the request
     * @throws InvalidRequestException naming the field at fault
     */
    static EmbeddingsRequest from(JsonNode body, EmbeddingsProperties limits) {
        if (!body.isObject()) {
            throw invalid("request body must be a JSON object such as " + EXAMPLE + ", but was " + describe(body),
                    null);
        }
        String model = optionalText(body.get("model"), "model");
        if (model != null && model.isBlank()) {
            throw invalid("model must name a model, such as one GET /v1/models lists, but was blank", "model");
        }
        List<EmbeddingInput> inputs = inputs(body.get("input"), limits);
        String format = optionalText(body.get("encoding_format"), "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw invalid("encoding_format must be 'float' or 'base64', but was '" + echo(format) + "'",
                    "encoding_format");
        }
        Integer dimensions = null;
        JsonNode dimensionsNode = body.get("dimensions");
        if (dimensionsNode != null && !dimensionsNode.isNull()) {
            BigInteger value = JsonNumbers.integralValue(dimensionsNode, "dimensions", 1, MAX_DIMENSIONS);
            if (value.signum() <= 0 || value.compareTo(BigInteger.valueOf(MAX_DIMENSIONS)) > 0) {
                throw invalid("dimensions must be an integer within [1, " + MAX_DIMENSIONS + "], but was "
                        + JsonNumbers.shown(value), "dimensions");
            }
            dimensions = value.intValueExact();
        }
        String user = optionalText(body.get("user"), "user");
        return new EmbeddingsRequest(model, inputs, "base64".equals(format), dimensions, user);
    }

    /** Whether any input is a token array. */
    boolean hasTokenArrays() {
        return inputs.stream().anyMatch(EmbeddingInput.Tokens.class::isInstance);
    }

    private static List<EmbeddingInput> inputs(@Nullable JsonNode node, EmbeddingsProperties limits) {
        if (node == null || node.isNull()) {
            throw invalid("input is required: a string, an array of strings, or an array of token arrays, such as "
                    + EXAMPLE, "input");
        }
        if (node.isString()) {
            return List.of(text(node.stringValue(), "input", limits));
        }
        if (!node.isArray()) {
            throw invalid("input must be a string, an array of strings, or an array of token arrays, but was "
                    + describe(node), "input");
        }
        if (node.isEmpty()) {
            throw invalid("input must hold at least one input, but was an empty array", "input");
        }
        JsonNode first = node.get(0);
        if (first.isNumber()) {
            // One pre-tokenized input: [1, 2, 3].
            return List.of(tokens(node, "input", limits));
        }
        if (node.size() > limits.maxInputs()) {
            throw invalid("input may hold at most " + limits.maxInputs() + " inputs (" + EmbeddingsProperties.PREFIX
                    + ".max-inputs), but had " + node.size(), "input");
        }
        boolean strings = first.isString();
        List<EmbeddingInput> inputs = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            String field = "input[" + i + "]";
            if (strings && element.isString()) {
                inputs.add(text(element.stringValue(), field, limits));
            }
            else if (!strings && element.isArray()) {
                inputs.add(tokens(element, field, limits));
            }
            else {
                throw invalid(field + " must be " + (strings ? "a string, as input[0] is" : "an array of token ids, "
                        + "as input[0] is") + ", but was " + describe(element), field);
            }
        }
        return inputs;
    }

    private static EmbeddingInput text(String text, String field, EmbeddingsProperties limits) {
        if (text.isEmpty()) {
            throw invalid(field + " must not be an empty string", field);
        }
        if (text.length() > limits.maxInputLength()) {
            throw invalid(field + " must be at most " + limits.maxInputLength() + " characters ("
                    + EmbeddingsProperties.PREFIX + ".max-input-length), but had " + text.length(), field);
        }
        return new EmbeddingInput.Text(text);
    }

    private static EmbeddingInput tokens(JsonNode array, String field, EmbeddingsProperties limits) {
        if (array.isEmpty()) {
            throw invalid(field + " must hold at least one token id, but was an empty array", field);
        }
        if (array.size() > limits.maxInputTokens()) {
            throw invalid(field + " must be at most " + limits.maxInputTokens() + " tokens ("
                    + EmbeddingsProperties.PREFIX + ".max-input-tokens), but had " + array.size(), field);
        }
        int[] tokens = new int[array.size()];
        for (int j = 0; j < array.size(); j++) {
            String element = field + "[" + j + "]";
            BigInteger id = JsonNumbers.integralValue(array.get(j), element, 0, Integer.MAX_VALUE);
            if (id.signum() < 0 || id.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
                throw invalid(element + " must be a token id within [0, " + Integer.MAX_VALUE + "], but was "
                        + JsonNumbers.shown(id), element);
            }
            tokens[j] = id.intValueExact();
        }
        return new EmbeddingInput.Tokens(tokens);
    }

    private static @Nullable String optionalText(@Nullable JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(field + " must be a string, but was " + describe(node), field);
        }
        return node.stringValue();
    }

    private static InvalidRequestException invalid(String message, @Nullable String field) {
        return new InvalidRequestException(ApiError.INVALID_REQUEST, message, field);
    }

    private static String echo(String text) {
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "...";
    }

    private static String describe(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return (type.equals("array") || type.equals("object") ? "an " : "a ") + type;
    }
}
