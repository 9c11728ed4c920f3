package io.meridian.taskserver.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.ChatMessage;
import io.meridian.taskserver.llm.ChatParameter;
import io.meridian.taskserver.llm.ChatParameters;
import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.CompletionRequest;
import io.meridian.taskserver.llm.ToolCall;
import io.meridian.taskserver.models.ModelCatalog;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.InvalidRequestException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chat parameters of {@code POST /v1/chat/completions} as {@link ChatCompletionRequest} reads
 * them: each one carried as sent, each malformed one refused naming its field, and those a backend
 * does not honour refused naming theirs.
 */
class ChatParametersParsingTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String USER = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";

    private static final ModelCatalog MODELS = new ModelCatalog("test", "simulated", TaskFixtures.queues(10), Map.of());

    private static ChatCompletionRequest parse(String body) {
        return ChatCompletionRequest.from(JSON.readTree(body), MODELS);
    }

    private static ChatCompletionRequest parseWith(String parameters) {
        return parse("{" + USER + ", " + parameters + "}");
    }

    @Test
    void carriesEveryParameterAsSent() {
        ChatParameters parameters = parseWith("""
                "temperature": 0.2, "top_p": 0.9, "presence_penalty": -0.5, "frequency_penalty": 1.5,
                "stop": ["END", "\\n\\n"], "seed": 1234, "max_completion_tokens": 64,
                "response_format": {"type": "json_schema", "json_schema": {"name": "city", "strict": true,
                  "schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}},
                "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather now",
                  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
                "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
                "logprobs": false, "parallel_tool_calls": true, "n": 1
                """).parameters();

        assertThat(parameters.temperature()).isEqualTo(0.2);
        assertThat(parameters.topP()).isEqualTo(0.9);
        assertThat(parameters.presencePenalty()).isEqualTo(-0.5);
        assertThat(parameters.frequencyPenalty()).isEqualTo(1.5);
        assertThat(parameters.stop()).containsExactly("END", "\n\n");
        assertThat(parameters.seed()).isEqualTo(1234);
        assertThat(parameters.responseFormat()).isNotNull();
        assertThat(parameters.responseFormat().name()).isEqualTo("city");
        assertThat(parameters.responseFormat().strict()).isTrue();
        assertThat(JSON.readTree(parameters.responseFormat().schema()).path("required").get(0).stringValue())
                .isEqualTo("name");
        assertThat(parameters.tools()).singleElement().satisfies(tool -> {
            assertThat(tool.name()).isEqualTo("get_weather");
            assertThat(tool.description()).isEqualTo("Weather now");
            assertThat(JSON.readTree(tool.parameters()).path("properties").has("city")).isTrue();
        });
        assertThat(parameters.toolChoice()).isEqualTo(new ChatParameters.ToolChoice("required", "get_weather"));
        assertThat(parameters.maxCompletionTokens()).isTrue();
        assertThat(parameters.used()).containsExactlyInAnyOrder(ChatParameter.TEMPERATURE, ChatParameter.TOP_P,
                ChatParameter.PRESENCE_PENALTY, ChatParameter.FREQUENCY_PENALTY, ChatParameter.STOP,
                ChatParameter.SEED, ChatParameter.JSON_SCHEMA, ChatParameter.TOOLS, ChatParameter.TOOL_CHOICE_FUNCTION);
    }

    @Test
    void readsAStopStringJsonModeAndTextFormat() {
        assertThat(parseWith("\"stop\": \"END\"").parameters().stop()).containsExactly("END");
        assertThat(parseWith("\"response_format\": {\"type\": \"json_object\"}").parameters().responseFormat())
                .isEqualTo(ChatParameters.ResponseFormat.JSON_OBJECT);
        assertThat(parseWith("\"response_format\": {\"type\": \"text\"}").parameters()).isEqualTo(ChatParameters.NONE);
        assertThat(parse("{" + USER + "}").parameters().hasAny()).isFalse();
    }

    @Test
    void readsAToolCallingConversation() {
        List<ChatMessage> messages = parse("""
                {"messages": [
                  {"role": "user", "content": "Weather in Paris?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}}]},
                  {"role": "tool", "tool_call_id": "call_1", "content": "18 C, sunny"}]}
                """).messages();

        assertThat(messages.get(1).role()).isEqualTo("assistant");
        assertThat(messages.get(1).content()).isEmpty();
        assertThat(messages.get(1).toolCalls()).containsExactly(new ToolCall("call_1", "get_weather",
                "{\"city\":\"Paris\"}"));
        assertThat(messages.get(2)).isEqualTo(new ChatMessage("tool", "18 C, sunny", List.of(), "call_1"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "\"temperature\": 2.5                                                  | temperature",
        "\"temperature\": \"hot\"                                              | temperature",
        "\"top_p\": -0.1                                                       | top_p",
        "\"presence_penalty\": 2.1                                             | presence_penalty",
        "\"frequency_penalty\": -3                                             | frequency_penalty",
        "\"stop\": 5                                                           | stop",
        "\"stop\": \"\"                                                        | stop",
        "\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]                         | stop",
        "\"stop\": [\"a\", 3]                                                  | stop[1]",
        "\"seed\": 1.5                                                         | seed",
        "\"seed\": 9223372036854775807                                         | seed",
        "\"response_format\": \"json\"                                         | response_format",
        "\"response_format\": {\"type\": \"yaml\"}                             | response_format.type",
        "\"response_format\": {\"type\": \"json_schema\"}                      | response_format.json_schema",
        "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"schema\": {}}} | response_format.json_schema.name",
        "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"a b\", \"schema\": {}}} | response_format.json_schema.name",
        "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\"}} | response_format.json_schema.schema",
        "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": {}, \"strict\": 1}} | response_format.json_schema.strict",
        "\"tools\": {}                                                         | tools",
        "\"tools\": [{\"type\": \"retrieval\"}]                                | tools[0].type",
        "\"tools\": [{\"type\": \"function\"}]                                 | tools[0].function",
        "\"tools\": [{\"type\": \"function\", \"function\": {}}]                | tools[0].function.name",
        "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a.b\"}}] | tools[0].function.name",
        "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": []}}] | tools[0].function.parameters",
        "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}, {\"type\": \"function\", \"function\": {\"name\": \"f\"}}] | tools[1].function.name",
        "\"tool_choice\": \"always\"                                           | tool_choice",
        "\"tool_choice\": \"required\"                                         | tool_choice",
        "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"g\"}} | tool_choice.function.name",
        "\"logprobs\": true                                                    | logprobs",
        "\"top_logprobs\": 2                                                   | top_logprobs",
        "\"logit_bias\": {\"1234\": -100}                                      | logit_bias",
        "\"modalities\": [\"text\", \"audio\"]                                 | modalities",
        "\"audio\": {\"voice\": \"alloy\"}                                     | audio",
        "\"prediction\": {\"type\": \"content\", \"content\": \"x\"}           | prediction",
        "\"functions\": []                                                     | functions",
        "\"parallel_tool_calls\": false                                        | parallel_tool_calls",
        "\"n\": 3                                                              | n" })
    void refusesAMalformedOrUnsupportedParameterNamingItsField(String parameters, String field) {
        String body = "{" + USER + ", " + parameters + "}";

        InvalidRequestException refused = catchThrowableOfType(InvalidRequestException.class, () -> parse(body));

        assertThat(refused).as(body).isNotNull();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo(ApiError.INVALID_REQUEST);
        assertThat(refused.field()).isEqualTo(field);
        assertThat(refused.getMessage()).startsWith(field);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"role\": \"tool\", \"content\": \"18 C\"}                                    | messages[1].tool_call_id",
        "{\"role\": \"tool\", \"tool_call_id\": 7, \"content\": \"18 C\"}               | messages[1].tool_call_id",
        "{\"role\": \"assistant\", \"tool_calls\": {}}                                  | messages[1].tool_calls",
        "{\"role\": \"assistant\", \"tool_calls\": [{\"type\": \"function\"}]}          | messages[1].tool_calls[0].id",
        "{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"c\", \"type\": \"function\", \"function\": {\"name\": \"f\"}}]} | messages[1].tool_calls[0].function.arguments" })
    void refusesAMalformedToolMessageNamingItsField(String message, String field) {
        String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, " + message + "]}";

        InvalidRequestException refused = catchThrowableOfType(InvalidRequestException.class, () -> parse(body));

        assertThat(refused).as(body).isNotNull();
        assertThat(refused.field()).isEqualTo(field);
    }

    @Test
    void refusesWhatTheBackendDoesNotHonourNamingTheField() {
        ChatBackend textOnly = backend(EnumSet.of(ChatParameter.TEMPERATURE, ChatParameter.JSON_OBJECT));

        assertThat(parseWith("\"temperature\": 0.5, \"response_format\": {\"type\": \"json_object\"}")
                .refuseUnsupported(textOnly).parameters().temperature()).isEqualTo(0.5);
        assertThat(refusal(textOnly, "\"seed\": 7").field()).isEqualTo("seed");
        assertThat(refusal(textOnly, "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": "
                + "{\"name\": \"x\", \"schema\": {\"type\": \"object\"}}}"))
                .satisfies(refused -> {
                    assertThat(refused.field()).isEqualTo("response_format");
                    assertThat(refused.getMessage()).isEqualTo("response_format 'json_schema' is not supported by "
                            + "this region's model backend ('test')");
                });
        assertThat(refusal(textOnly, "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]")
                .field()).isEqualTo("tools");
    }

    private static InvalidRequestException refusal(ChatBackend backend, String parameters) {
        ChatCompletionRequest request = parseWith(parameters);
        return catchThrowableOfType(InvalidRequestException.class, () -> request.refuseUnsupported(backend));
    }

    private static ChatBackend backend(Set<ChatParameter> supported) {
        return new ChatBackend() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public String defaultModel() {
                return "test";
            }

            @Override
            public Set<ChatParameter> supports() {
                return supported;
            }

            @Override
            public Mono<Completion> complete(CompletionRequest request) {
                return Mono.error(new UnsupportedOperationException());
            }
        };
    }
}
