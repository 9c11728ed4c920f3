package io.meridian.taskserver.chat;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.ChatMessage;
import io.meridian.taskserver.llm.ChatParameter;
import io.meridian.taskserver.llm.ChatParameters;
import io.meridian.taskserver.models.ModelCatalog;
import io.meridian.taskserver.models.ModelNotFoundException;
import io.meridian.taskserver.task.TaskRequest;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.JsonNumbers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A validated {@code POST /api/chat} or {@code POST /api/generate} body, in Ollama's shape, read
 * into the same {@link ChatCompletionRequest} an OpenAI chat completion becomes: one chat pipeline,
 * two wire formats.
 *
 * <p>Ollama's fields map onto Meridian's chat parameters: {@code options.temperature},
 * {@code options.top_p}, {@code options.num_predict} (the answer's token cap; {@code -1} and
 * {@code -2}, Ollama's "no limit" and "fill the context", set none), {@code options.stop},
 * {@code options.seed}, {@code options.presence_penalty}, {@code options.frequency_penalty};
 * {@code format} {@code "json"} is JSON mode and a JSON schema object is structured output. Other
 * {@code options} would change the answer in ways the region's backend is not asked to (or are
 * the model server's own resources, which its operator sets), so they are refused naming
 * {@code options.<name>} rather than dropped, as are images, tools, {@code think}, and
 * {@code /api/generate}'s raw-prompt fields. {@code keep_alive} is checked as Ollama reads it
 * ({@link OllamaKeepAlive}) and goes with the call to an Ollama backend in place of the region's
 * {@code meridian.model.ollama.keep-alive}; another backend ignores it, as it says how long the
 * model stays loaded, not what it answers. Unknown top-level fields are ignored, as by Ollama.
 *
 * <p>{@code stream} defaults to {@code true}, as in Ollama. A model named {@code <name>:latest} is
 * {@code <name>} when the region does not know the full name, as Ollama treats them alike.
 *
 * @param chat     the chat request the body stands for
 * @param generate whether it came to {@code /api/generate} (a prompt) rather than {@code /api/chat}
 */
record OllamaRequest(ChatCompletionRequest chat, boolean generate) {

    /** Ollama's tag for the default version of a model. */
    static final String LATEST = ":latest";

    /** {@code options} that map onto a chat parameter, by their Ollama names. */
    private static final Set<String> OPTIONS = Set.of("temperature", "top_p", "num_predict", "stop", "seed",
            "presence_penalty", "frequency_penalty");

    /** The Ollama field of each chat parameter, as a refusal names it. */
    private static final Map<ChatParameter, String> FIELDS = Map.of(
            ChatParameter.TEMPERATURE, "options.temperature",
            ChatParameter.TOP_P, "options.top_p",
            ChatParameter.MAX_TOKENS, "options.num_predict",
            ChatParameter.STOP, "options.stop",
            ChatParameter.SEED, "options.seed",
            ChatParameter.PRESENCE_PENALTY, "options.presence_penalty",
            ChatParameter.FREQUENCY_PENALTY, "options.frequency_penalty",
            ChatParameter.JSON_OBJECT, "format",
            ChatParameter.JSON_SCHEMA, "format");

    /**
     * Validates a body within the server's limits.
     *
     * @param body        the body as a JSON tree
     * @param generate    {@code true} for {@code /api/generate}, {@code false} for {@code /api/chat}
     * @param models      the names {@code model} may use
     * @param maxMessages most messages accepted
     * @param maxTokens   largest {@code options.num_predict} accepted
     * @return the request
     * @throws InvalidRequestException naming the field and the rule, if the body is not acceptable
     * @throws ModelNotFoundException if {@code model} names a model the region does not serve
     */
    static OllamaRequest from(JsonNode body, boolean generate, ModelCatalog models, int maxMessages, int maxTokens) {
        if (!body.isObject()) {
            throw invalid("request body must be a JSON object such as {\"model\": \"...\", "
                    + (generate ? "\"prompt\": \"...\"" : "\"messages\": [...]") + "}, but was "
                    + ChatCompletionRequest.describe(body), null);
        }
        ModelCatalog.Target target = target(models, TaskRequest.model(body.get("model")));
        List<ChatMessage> messages = generate ? prompt(body) : messages(body.get("messages"), maxMessages);
        refuse(body, "tools", "on the Ollama-compatible API; POST /v1/chat/completions takes tools");
        refuse(body, "think", "answers carry no separate thinking");
        JsonNode stream = body.get("stream");
        boolean streamed = absent(stream) || ChatCompletionRequest.bool(stream, "stream");
        String keepAlive = OllamaKeepAlive.read(body.get(OllamaKeepAlive.FIELD));
        ChatParameters.ResponseFormat format = format(body.get("format"));
        JsonNode options = body.get("options");
        Options read = absent(options) ? new Options(null, ChatParameters.NONE)
                : options(options, maxTokens, format);
        ChatParameters parameters = read.parameters();
        if (format != null && absent(options)) {
            parameters = new ChatParameters(null, null, List.of(), null, null, null, format, List.of(), null, false);
        }
        return new OllamaRequest(new ChatCompletionRequest(target.model(), target.queue(), messages, streamed, false,
                read.maxTokens(), parameters.withKeepAlive(keepAlive)), generate);
    }

    /**
     * Refuses the request if it sets a parameter the backend does not honour, naming Ollama's field.
     *
     * @param backend the backend that would answer
     * @return this request
     */
    OllamaRequest refuseUnsupported(ChatBackend backend) {
        Set<ChatParameter> supported = backend.supports();
        for (ChatParameter used : chat.parameters().used()) {
            if (!supported.contains(used)) {
                String field = FIELDS.getOrDefault(used, used.field());
                throw invalid(field + " is not supported by this region's model backend ('" + backend.name() + "')",
                        field);
            }
        }
        return this;
    }

    private static ModelCatalog.Target target(ModelCatalog models, @Nullable String model) {
        try {
            return models.resolve(model);
        } catch (ModelNotFoundException unknown) {
            if (model != null && model.endsWith(LATEST) && model.length() > LATEST.length()) {
                return models.resolve(model.substring(0, model.length() - LATEST.length()));
            }
            throw unknown;
        }
    }

    private static List<ChatMessage> prompt(JsonNode body) {
        for (String field : List.of("suffix", "template", "context", "images")) {
            JsonNode value = body.get(field);
            if (!absent(value) && !(value.isString() && value.stringValue().isEmpty())
                    && !(value.isArray() && value.isEmpty())) {
                throw invalid(field + " is not supported: the prompt goes to the model as a user message", field);
            }
        }
        JsonNode raw = body.get("raw");
        if (!absent(raw) && !(raw.isBoolean() && !raw.booleanValue())) {
            throw invalid("raw must be false: the prompt goes to the model as a user message", "raw");
        }
        String prompt = text(body.get("prompt"), "prompt", true);
        if (prompt.isBlank()) {
            throw invalid("prompt must not be blank", "prompt");
        }
        List<ChatMessage> messages = new ArrayList<>(2);
        JsonNode system = body.get("system");
        if (!absent(system)) {
            messages.add(new ChatMessage(ChatMessage.SYSTEM, text(system, "system", true)));
        }
        messages.add(new ChatMessage(ChatMessage.USER, prompt));
        return messages;
    }

    private static List<ChatMessage> messages(@Nullable JsonNode node, int maxMessages) {
        if (absent(node)) {
            throw invalid("messages is required", "messages");
        }
        if (!node.isArray()) {
            throw invalid("messages must be a JSON array of {\"role\", \"content\"} objects, but was "
                    + ChatCompletionRequest.describe(node), "messages");
        }
        if (node.isEmpty()) {
            throw invalid("messages must hold at least one message", "messages");
        }
        if (node.size() > maxMessages) {
            throw new InvalidRequestException(ApiError.TOO_MANY_MESSAGES, "messages may hold at most " + maxMessages
                    + " messages (meridian.server.max-messages), but had " + node.size(), "messages");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String field = "messages[" + i + "]";
            JsonNode message = node.get(i);
            if (!message.isObject()) {
                throw invalid(field + " must be a JSON object with role and content, but was "
                        + ChatCompletionRequest.describe(message), field);
            }
            String role = text(message.get("role"), field + ".role", true).toLowerCase(Locale.ROOT);
            if (!List.of(ChatMessage.SYSTEM, ChatMessage.USER, ChatMessage.ASSISTANT).contains(role)) {
                throw invalid(field + ".role must be one of 'system', 'user', 'assistant', but was '"
                        + ChatCompletionRequest.echo(role) + "'", field + ".role");
            }
            JsonNode images = message.get("images");
            if (!absent(images) && !(images.isArray() && images.isEmpty())) {
                throw invalid(field + ".images is not supported: only text content is", field + ".images");
            }
            JsonNode calls = message.get("tool_calls");
            if (!absent(calls) && !(calls.isArray() && calls.isEmpty())) {
                throw invalid(field + ".tool_calls is not supported on the Ollama-compatible API; "
                        + "POST /v1/chat/completions takes tools", field + ".tool_calls");
            }
            messages.add(new ChatMessage(role, text(message.get("content"), field + ".content",
                    !role.equals(ChatMessage.ASSISTANT))));
        }
        return messages;
    }

    private static ChatParameters.@Nullable ResponseFormat format(@Nullable JsonNode node) {
        if (absent(node) || node.isString() && node.stringValue().isEmpty()) {
            return null;
        }
        if (node.isString() && node.stringValue().equals("json")) {
            return ChatParameters.ResponseFormat.JSON_OBJECT;
        }
        if (node.isObject()) {
            return new ChatParameters.ResponseFormat("response", node.toString(), null);
        }
        throw invalid("format must be \"json\" or a JSON schema object, but was "
                + (node.isString() ? "'" + ChatCompletionRequest.echo(node.stringValue()) + "'"
                        : ChatCompletionRequest.describe(node)), "format");
    }

    private record Options(@Nullable Integer maxTokens, ChatParameters parameters) {
    }

    private static Options options(JsonNode node, int maxTokens, ChatParameters.@Nullable ResponseFormat format) {
        if (!node.isObject()) {
            throw invalid("options must be a JSON object, but was " + ChatCompletionRequest.describe(node), "options");
        }
        for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!OPTIONS.contains(name) && !absent(node.get(name))) {
                throw invalid("options." + name + " is not supported: Meridian passes on temperature, top_p, "
                        + "num_predict, stop, seed, presence_penalty and frequency_penalty", "options." + name);
            }
        }
        Double temperature = ChatParametersReader.number(node.get("temperature"), "options.temperature", 0, 2);
        Double topP = ChatParametersReader.number(node.get("top_p"), "options.top_p", 0, 1);
        Double presence = ChatParametersReader.number(node.get("presence_penalty"), "options.presence_penalty", -2, 2);
        Double frequency = ChatParametersReader.number(node.get("frequency_penalty"), "options.frequency_penalty", -2, 2);
        List<String> stop = stop(node.get("stop"));
        Integer seed = null;
        JsonNode seedNode = node.get("seed");
        if (!absent(seedNode)) {
            BigInteger value = JsonNumbers.integralValue(seedNode, "options.seed", Integer.MIN_VALUE,
                    Integer.MAX_VALUE);
            if (value.bitLength() > 31) {
                throw invalid("options.seed must be within [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE
                        + "], but was " + JsonNumbers.shown(value), "options.seed");
            }
            seed = value.intValueExact();
        }
        return new Options(numPredict(node.get("num_predict"), maxTokens), new ChatParameters(temperature, topP, stop,
                seed, presence, frequency, format, List.of(), null, false));
    }

    private static @Nullable Integer numPredict(@Nullable JsonNode node, int max) {
        if (absent(node)) {
            return null;
        }
        BigInteger value = JsonNumbers.integralValue(node, "options.num_predict", -2, max);
        if (value.equals(BigInteger.valueOf(-1)) || value.equals(BigInteger.valueOf(-2))) {
            return null;
        }
        if (value.signum() <= 0) {
            throw invalid("options.num_predict must be a positive integer, or -1 for no limit, but was "
                    + JsonNumbers.shown(value), "options.num_predict");
        }
        if (value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new InvalidRequestException(ApiError.MAX_TOKENS_TOO_LARGE, "options.num_predict may be at most "
                    + max + " (meridian.server.max-tokens), but was " + JsonNumbers.shown(value),
                    "options.num_predict");
        }
        return value.intValueExact();
    }

    private static List<String> stop(@Nullable JsonNode node) {
        if (absent(node)) {
            return List.of();
        }
        if (!node.isArray() || node.size() > ChatParametersReader.MAX_STOP_SEQUENCES) {
            throw invalid("options.stop must be an array of at most " + ChatParametersReader.MAX_STOP_SEQUENCES
                    + " strings, but was " + (node.isArray() ? "an array of " + node.size()
                            : ChatCompletionRequest.describe(node)), "options.stop");
        }
        List<String> stop = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode sequence = node.get(i);
            if (!sequence.isString() || sequence.stringValue().isEmpty()) {
                throw invalid("options.stop[" + i + "] must be a non-empty string", "options.stop[" + i + "]");
            }
            stop.add(sequence.stringValue());
        }
        return stop;
    }

    private static void refuse(JsonNode body, String field, String why) {
        JsonNode value = body.get(field);
        if (!absent(value) && !(value.isArray() && value.isEmpty()) && !(value.isBoolean() && !value.booleanValue())) {
            throw invalid(field + " is not supported: " + why, field);
        }
    }

    private static String text(@Nullable JsonNode node, String field, boolean required) {
        if (absent(node)) {
            if (required) {
                throw invalid(field + " is required", field);
            }
            return "";
        }
        if (!node.isString()) {
            throw invalid(field + " must be a JSON string, but was " + ChatCompletionRequest.describe(node), field);
        }
        return node.stringValue();
    }

    private static boolean absent(@Nullable JsonNode node) {
        return node == null || node.isNull();
    }

    private static InvalidRequestException invalid(String message, @Nullable String field) {
        return ChatCompletionRequest.invalid(message, field);
    }
}
