package io.meridian.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How many tokens a request body reserves: an upper bound of its prompt's tokens, plus the most
 * its answer may use: its {@code max_completion_tokens}, else its {@code max_tokens} (a chat
 * completion's cap on its answer), else its {@code options.num_predict} (Ollama's), else the
 * configured reservation of its {@code model} (or of its {@code kind}, the task API's queue), else
 * the default. An embeddings request reserves an upper bound of its input's tokens.
 *
 * <p>The prompt counts because a budget counts it: a tenant's tokens are prompt and answer
 * together, so a reservation of the answer alone let a burst of concurrent requests past the
 * budget by their prompts. The bound is each string of the prompt's fields ({@code messages},
 * {@code prompt}, {@code system}, {@code query}, {@code tools}, {@code suffix}) at its UTF-8 bytes
 * plus one, with {@value #PER_MESSAGE} tokens more for each message, {@value #PER_PROMPT} for
 * the prompt as a whole and {@value #TOOLS_PREAMBLE} when tools are given: the markers and the
 * preamble a chat template puts around them. No byte-level tokenizer makes more tokens of a text
 * than it has bytes. A template that adds more text of its own than that can still pass the bound
 * by the difference; the answer's usage then settles what the model really counted.
 *
 * <p>An embeddings request ({@code POST /v1/embeddings}: an {@code input} and none of a chat's
 * {@code messages}, a generation's {@code prompt} or a task's {@code query}) has no answer to cap: it
 * costs its input alone. Each text reserves its length in UTF-8 bytes plus one, which no byte-level
 * tokenizer (GPT's, Llama's, Qwen's, BERT's word pieces) can exceed, and each token array its
 * length; so a short embedding does not reserve a chat's default, and a batch never reserves less
 * than it can cost. The answer's usage then settles what it really used. A body of any other shape
 * whose only field is {@code input} is refused by the region and costs nothing, so reading the
 * shape rather than the path cannot let a request hold less than it uses.
 *
 * <p>Only these fields are read, and only to size the reservation: a body that is not JSON, or not
 * an object, reserves the default and is left to the region to refuse. A cap the client sent that
 * is not a whole number from 1 to {@link Long#MAX_VALUE} is refused here, naming the field, since
 * the gateway would otherwise have to guess what it reserves.
 */
final class ReservationSize {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SHOWN = 40;

    /** The fields whose text a model reads as its prompt. */
    private static final List<String> PROMPT_FIELDS = List.of("messages", "prompt", "system", "query", "tools", "suffix");

    /** A chat template's tokens around one message (its role's markers and separators). */
    static final int PER_MESSAGE = 4;

    /** A chat template's tokens around the whole prompt (its opening, the answer's header). */
    static final int PER_PROMPT = 8;

    /** The text a chat template adds to explain the tools it is given (Qwen's, Llama's: about 100 tokens). */
    static final int TOOLS_PREAMBLE = 256;

    private ReservationSize() {
    }

    static long of(byte[] body, TenantProperties.Reservation reservation) {
        return sized(body, reservation).tokens();
    }

    /**
     * What a request body reserves and the model it names.
     *
     * @param tokens the tokens it reserves: the prompt's bound and the answer's
     * @param answer the part the answer may use
     * @param model  its {@code model}, or {@code null} when it names none (its spend is then priced
     *               as any model's may be: {@link Pricing#atAdmission})
     */
    record Sized(long tokens, long answer, @Nullable String model) {
    }

    /** The reservation of {@code body} and its model. */
    static Sized sized(byte[] body, TenantProperties.Reservation reservation) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException ex) {
            return new Sized(reservation.defaultTokens(), reservation.defaultTokens(), null);
        }
        if (root == null || !root.isObject()) {
            return new Sized(reservation.defaultTokens(), reservation.defaultTokens(), null);
        }
        String model = text(root.get("model"));
        Long embedded = embeddingInput(root);
        if (embedded != null && root.get("max_completion_tokens") == null && root.get("max_tokens") == null) {
            return new Sized(embedded, embedded, model);
        }
        long answer = answer(root, model, reservation);
        return new Sized(saturatedSum(promptBound(root), answer), answer, model);
    }

    /** The most tokens the answer may use. */
    private static long answer(JsonNode root, @Nullable String model, TenantProperties.Reservation reservation) {
        Long completion = cap(root.get("max_completion_tokens"), "max_completion_tokens");
        Long max = cap(root.get("max_tokens"), "max_tokens");
        if (completion != null) {
            return completion;
        }
        if (max != null) {
            return max;
        }
        JsonNode options = root.get("options");
        Long numPredict = options != null && options.isObject() ? numPredict(options.get("num_predict")) : null;
        if (numPredict != null) {
            return numPredict;
        }
        return reservation.tokensFor(model != null ? model : text(root.get("kind")));
    }

    /** An upper bound of the prompt's tokens: 0 for a body with none of the prompt's fields. */
    static long promptBound(JsonNode root) {
        long bound = 0;
        boolean any = false;
        for (String field : PROMPT_FIELDS) {
            JsonNode value = root.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            any = true;
            bound = saturatedSum(bound, strings(value));
            if (field.equals("messages") && value.isArray()) {
                bound = saturatedSum(bound, (long) PER_MESSAGE * value.size());
            }
            if (field.equals("tools") && !value.isEmpty()) {
                bound = saturatedSum(bound, TOOLS_PREAMBLE);
            }
        }
        return any ? saturatedSum(bound, PER_PROMPT) : 0;
    }

    /** Every string under {@code node} at its UTF-8 bytes plus one. */
    private static long strings(JsonNode node) {
        if (node.isString()) {
            return textBound(node);
        }
        long total = 0;
        if (node.isContainer()) {
            for (JsonNode child : node) {
                total = saturatedSum(total, strings(child));
            }
        }
        return total;
    }

    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * The most tokens an embeddings request's {@code input} can hold; {@code null} when the body is
     * not an embeddings request or its input is not one of the API's shapes (the region refuses it).
     */
    private static @Nullable Long embeddingInput(JsonNode root) {
        JsonNode input = root.get("input");
        if (input == null || root.has("messages") || root.has("prompt") || root.has("query")) {
            return null;
        }
        if (input.isString()) {
            return textBound(input);
        }
        if (!input.isArray() || input.isEmpty()) {
            return null;
        }
        long total = 0;
        for (JsonNode item : input) {
            if (item.isString()) {
                total += textBound(item);
            } else if (item.isArray()) {
                total += Math.max(1, item.size());
            } else if (item.isIntegralNumber()) {
                total += 1;
            } else {
                return null;
            }
        }
        return total;
    }

    private static long textBound(JsonNode text) {
        return text.stringValue().getBytes(StandardCharsets.UTF_8).length + 1L;
    }

    /** Ollama's cap, {@code options.num_predict}: none for its "no limit" values, -1 and -2. */
    private static @Nullable Long numPredict(@Nullable JsonNode node) {
        if (node == null || node.isNull() || node.isIntegralNumber() && node.canConvertToLong()
                && (node.longValue() == -1 || node.longValue() == -2)) {
            return null;
        }
        return cap(node, "options.num_predict");
    }

    private static @Nullable Long cap(@Nullable JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 1) {
            return node.longValue();
        }
        String shown = node.toString();
        if (shown.length() > SHOWN) {
            shown = shown.substring(0, SHOWN) + "...";
        }
        throw new InvalidField(field + " must be a whole number from 1 to " + Long.MAX_VALUE + ", but was " + shown, field);
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : null;
    }

    /** A reservation field out of range: the message says which and why. */
    static final class InvalidField extends RuntimeException {

        private final String field;

        InvalidField(String message, String field) {
            super(message, null, false, false);
            this.field = field;
        }

        String field() {
            return field;
        }
    }
}
