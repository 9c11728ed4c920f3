package io.meridian.taskserver.chat;

import io.meridian.taskserver.llm.ChatParameters;
import io.meridian.taskserver.llm.ToolCall;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.JsonNumbers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads and checks the chat parameters of a {@code POST /v1/chat/completions} body, as OpenAI's
 * API reference defines them, each refusal naming its field ({@code stop[2]},
 * {@code tools[0].function.name}, {@code response_format.json_schema.schema}).
 *
 * <p>Two kinds of field are refused whatever the backend: those whose answer this API does not
 * return ({@code logprobs}, {@code top_logprobs}, audio output, predicted outputs) and those that
 * would shape the answer in a way no backend is asked to ({@code logit_bias},
 * {@code parallel_tool_calls: false}, the deprecated {@code functions}). Whether the configured
 * backend honours the rest is {@link ChatCompletionRequest#refuseUnsupported}'s to check.
 */
final class ChatParametersReader {

    /** OpenAI's limit on stop sequences. */
    static final int MAX_STOP_SEQUENCES = 4;

    /** OpenAI's limit on tools. */
    static final int MAX_TOOLS = 128;

    /** A function's or a schema's name, as OpenAI allows them. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** The parameters for a tool that declares none: an object without properties. */
    private static final String NO_PARAMETERS = "{\"type\":\"object\",\"properties\":{}}";

    private ChatParametersReader() {
    }

    /**
     * Reads the parameters of a body.
     *
     * @param body the body, a JSON object
     * @return the parameters, {@link ChatParameters#NONE} if none is set
     * @throws InvalidRequestException naming the field, if one is malformed or refused
     */
    static ChatParameters read(JsonNode body) {
        JsonNode completionTokens = body.get("max_completion_tokens");
        refuseAlways(body);
        Double temperature = number(body.get("temperature"), "temperature", 0, 2);
        Double topP = number(body.get("top_p"), "top_p", 0, 1);
        Double presencePenalty = number(body.get("presence_penalty"), "presence_penalty", -2, 2);
        Double frequencyPenalty = number(body.get("frequency_penalty"), "frequency_penalty", -2, 2);
        List<String> stop = stop(body.get("stop"));
        Integer seed = seed(body.get("seed"));
        ChatParameters.ResponseFormat format = responseFormat(body.get("response_format"));
        List<ChatParameters.Tool> tools = tools(body.get("tools"));
        ChatParameters.ToolChoice choice = toolChoice(body.get("tool_choice"), tools);
        return new ChatParameters(temperature, topP, stop, seed, presencePenalty, frequencyPenalty, format, tools,
                choice, !absent(completionTokens));
    }

    /**
     * Reads an assistant message's {@code tool_calls}.
     *
     * @param node  the field, or {@code null}
     * @param field its name, e.g. {@code messages[1].tool_calls}
     * @return the calls, empty if absent
     */
    static List<ToolCall> toolCalls(@Nullable JsonNode node, String field) {
        if (absent(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(field + " must be a JSON array of tool calls, but was " + ChatCompletionRequest.describe(node),
                    field);
        }
        List<ToolCall> calls = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String at = field + "[" + i + "]";
            JsonNode call = node.get(i);
            if (!call.isObject()) {
                throw invalid(at + " must be a JSON object, but was " + ChatCompletionRequest.describe(call), at);
            }
            String id = string(call.get("id"), at + ".id");
            type(call.get("type"), at + ".type");
            JsonNode function = object(call.get("function"), at + ".function");
            String name = functionName(function.get("name"), at + ".function.name");
            String arguments = string(function.get("arguments"), at + ".function.arguments");
            calls.add(new ToolCall(id, name, arguments));
        }
        return calls;
    }

    /** Refuses what no backend's answer can carry, or what no backend is asked to honour. */
    private static void refuseAlways(JsonNode body) {
        JsonNode logprobs = body.get("logprobs");
        if (!absent(logprobs) && !(logprobs.isBoolean() && !logprobs.booleanValue())) {
            throw invalid("logprobs is not supported: answers carry no log probabilities", "logprobs");
        }
        for (String field : List.of("top_logprobs", "audio", "prediction", "functions", "function_call")) {
            if (!absent(body.get(field))) {
                throw invalid(field + " is not supported" + switch (field) {
                    case "top_logprobs" -> ": answers carry no log probabilities";
                    case "audio" -> ": answers are text";
                    case "prediction" -> ": predicted outputs are not passed on";
                    default -> "; use tools and tool_choice, which replace it";
                }, field);
            }
        }
        JsonNode logitBias = body.get("logit_bias");
        if (!absent(logitBias) && !(logitBias.isObject() && logitBias.isEmpty())) {
            throw invalid("logit_bias is not supported: token ids differ between the models behind Meridian",
                    "logit_bias");
        }
        JsonNode modalities = body.get("modalities");
        if (!absent(modalities) && !(modalities.isArray() && modalities.size() == 1
                && modalities.get(0).isString() && modalities.get(0).stringValue().equals("text"))) {
            throw invalid("modalities must be [\"text\"]: answers are text", "modalities");
        }
        JsonNode parallel = body.get("parallel_tool_calls");
        if (!absent(parallel)) {
            if (!parallel.isBoolean()) {
                throw invalid("parallel_tool_calls must be true or false, but was "
                        + ChatCompletionRequest.describe(parallel), "parallel_tool_calls");
            }
            if (!parallel.booleanValue()) {
                throw invalid("parallel_tool_calls false is not supported: a model may answer with several "
                        + "tool calls", "parallel_tool_calls");
            }
        }
    }

    /** A number within [min, max], or {@code null} when absent; refused naming {@code field} otherwise. */
    static @Nullable Double number(@Nullable JsonNode node, String field, double min, double max) {
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber() || !Double.isFinite(node.asDouble()) || node.asDouble() < min || node.asDouble() > max) {
            throw invalid(field + " must be a number within [" + min + ", " + max + "], but was "
                    + (node.isNumber() ? node.toString() : ChatCompletionRequest.describe(node)), field);
        }
        return node.asDouble();
    }

    private static List<String> stop(@Nullable JsonNode node) {
        if (absent(node)) {
            return List.of();
        }
        if (node.isString()) {
            return List.of(stopSequence(node, "stop"));
        }
        if (!node.isArray()) {
            throw invalid("stop must be a string or an array of at most " + MAX_STOP_SEQUENCES + " strings, but was "
                    + ChatCompletionRequest.describe(node), "stop");
        }
        if (node.size() > MAX_STOP_SEQUENCES) {
            throw invalid("stop may hold at most " + MAX_STOP_SEQUENCES + " sequences, but had " + node.size(), "stop");
        }
        List<String> sequences = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            sequences.add(stopSequence(node.get(i), "stop[" + i + "]"));
        }
        return sequences;
    }

    private static String stopSequence(JsonNode node, String field) {
        if (!node.isString() || node.stringValue().isEmpty()) {
            throw invalid(field + " must be a non-empty string, but was "
                    + (node.isString() ? "empty" : ChatCompletionRequest.describe(node)), field);
        }
        return node.stringValue();
    }

    private static @Nullable Integer seed(@Nullable JsonNode node) {
        if (absent(node)) {
            return null;
        }
        BigInteger seed = JsonNumbers.integralValue(node, "seed", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (seed.compareTo(BigInteger.valueOf(Integer.MIN_VALUE)) < 0
                || seed.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            // Spring AI passes a 32-bit seed to both Ollama and OpenAI-compatible servers.
            throw invalid("seed must be within [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "], but was "
                    + JsonNumbers.shown(seed), "seed");
        }
        return seed.intValueExact();
    }

    private static ChatParameters.@Nullable ResponseFormat responseFormat(@Nullable JsonNode node) {
        if (absent(node)) {
            return null;
        }
        JsonNode format = object(node, "response_format");
        JsonNode type = format.get("type");
        String kind = type != null && type.isString() ? type.stringValue() : "";
        return switch (kind) {
            case "text" -> null;
            case "json_object" -> ChatParameters.ResponseFormat.JSON_OBJECT;
            case "json_schema" -> {
                JsonNode schema = object(format.get("json_schema"), "response_format.json_schema");
                String name = string(schema.get("name"), "response_format.json_schema.name");
                if (!NAME.matcher(name).matches()) {
                    throw invalid("response_format.json_schema.name must be letters, digits, _ and -, at most 64, "
                            + "but was '" + ChatCompletionRequest.echo(name) + "'", "response_format.json_schema.name");
                }
                JsonNode body = object(schema.get("schema"), "response_format.json_schema.schema");
                JsonNode strict = schema.get("strict");
                if (!absent(strict) && !strict.isBoolean()) {
                    throw invalid("response_format.json_schema.strict must be true or false, but was "
                            + ChatCompletionRequest.describe(strict), "response_format.json_schema.strict");
                }
                yield new ChatParameters.ResponseFormat(name, body.toString(),
                        absent(strict) ? null : strict.booleanValue());
            }
            default -> throw invalid("response_format.type must be one of 'text', 'json_object', 'json_schema', but was "
                    + (type != null && type.isString() ? "'" + ChatCompletionRequest.echo(kind) + "'"
                            : type == null ? "missing" : ChatCompletionRequest.describe(type)),
                    "response_format.type");
        };
    }

    private static List<ChatParameters.Tool> tools(@Nullable JsonNode node) {
        if (absent(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("tools must be a JSON array of {\"type\": \"function\", \"function\": {...}} objects, but was "
                    + ChatCompletionRequest.describe(node), "tools");
        }
        if (node.size() > MAX_TOOLS) {
            throw invalid("tools may hold at most " + MAX_TOOLS + " tools, but had " + node.size(), "tools");
        }
        List<ChatParameters.Tool> tools = new ArrayList<>(node.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode tool = object(node.get(i), at);
            type(tool.get("type"), at + ".type");
            JsonNode function = object(tool.get("function"), at + ".function");
            String name = functionName(function.get("name"), at + ".function.name");
            if (!names.add(name)) {
                throw invalid(at + ".function.name '" + name + "' names another tool too", at + ".function.name");
            }
            JsonNode description = function.get("description");
            if (!absent(description) && !description.isString()) {
                throw invalid(at + ".function.description must be a JSON string, but was "
                        + ChatCompletionRequest.describe(description), at + ".function.description");
            }
            JsonNode parameters = function.get("parameters");
            String schema = absent(parameters) ? NO_PARAMETERS
                    : object(parameters, at + ".function.parameters").toString();
            tools.add(new ChatParameters.Tool(name, absent(description) ? null : description.stringValue(), schema));
        }
        return tools;
    }

    private static ChatParameters.@Nullable ToolChoice toolChoice(@Nullable JsonNode node,
            List<ChatParameters.Tool> tools) {
        if (absent(node)) {
            return null;
        }
        ChatParameters.ToolChoice choice;
        if (node.isString()) {
            String mode = node.stringValue();
            if (!List.of(ChatParameters.ToolChoice.AUTO, ChatParameters.ToolChoice.NONE,
                    ChatParameters.ToolChoice.REQUIRED).contains(mode)) {
                throw invalid("tool_choice must be 'none', 'auto', 'required' or {\"type\": \"function\", "
                        + "\"function\": {\"name\": \"...\"}}, but was '" + ChatCompletionRequest.echo(mode) + "'",
                        "tool_choice");
            }
            choice = new ChatParameters.ToolChoice(mode, null);
        }
        else if (node.isObject()) {
            type(node.get("type"), "tool_choice.type");
            JsonNode function = object(node.get("function"), "tool_choice.function");
            String name = functionName(function.get("name"), "tool_choice.function.name");
            if (tools.stream().noneMatch(tool -> tool.name().equals(name))) {
                throw invalid("tool_choice.function.name '" + name + "' names none of the tools",
                        "tool_choice.function.name");
            }
            choice = new ChatParameters.ToolChoice(ChatParameters.ToolChoice.REQUIRED, name);
        }
        else {
            throw invalid("tool_choice must be a string or a JSON object, but was "
                    + ChatCompletionRequest.describe(node), "tool_choice");
        }
        if (tools.isEmpty() && choice.mode().equals(ChatParameters.ToolChoice.REQUIRED)) {
            throw invalid("tool_choice requires a tool to be called, but tools is empty", "tool_choice");
        }
        return choice;
    }

    private static String functionName(@Nullable JsonNode node, String field) {
        String name = string(node, field);
        if (!NAME.matcher(name).matches()) {
            throw invalid(field + " must be letters, digits, _ and -, at most 64, but was '"
                    + ChatCompletionRequest.echo(name) + "'", field);
        }
        return name;
    }

    private static void type(@Nullable JsonNode node, String field) {
        if (node == null || !node.isString() || !node.stringValue().equals("function")) {
            throw invalid(field + " must be 'function'", field);
        }
    }

    private static String string(@Nullable JsonNode node, String field) {
        if (absent(node)) {
            throw invalid(field + " is required", field);
        }
        if (!node.isString()) {
            throw invalid(field + " must be a JSON string, but was " + ChatCompletionRequest.describe(node), field);
        }
        return node.stringValue();
    }

    private static JsonNode object(@Nullable JsonNode node, String field) {
        if (absent(node)) {
            throw invalid(field + " is required", field);
        }
        if (!node.isObject()) {
            throw invalid(field + " must be a JSON object, but was " + ChatCompletionRequest.describe(node), field);
        }
        return node;
    }

    private static boolean absent(@Nullable JsonNode node) {
        return node == null || node.isNull();
    }

    private static InvalidRequestException invalid(String message, String field) {
        return ChatCompletionRequest.invalid(message, field);
    }
}
