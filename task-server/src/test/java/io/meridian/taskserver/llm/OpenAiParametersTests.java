package io.meridian.taskserver.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.ChatStreams;
import io.meridian.taskserver.testsupport.OpenAiServerTest;
import io.meridian.taskserver.testsupport.OpenAiWire;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A chat completion's parameters on the {@code openai} backend, through Spring AI's OpenAI client
 * (the official OpenAI Java SDK) to a WireMock server speaking OpenAI's
 * {@code /v1/chat/completions}: the request carries them in OpenAI's own fields, and the server's
 * finish reason and tool calls come back, plain and streamed.
 */
@TestPropertySource(properties = {
        "meridian.model.openai.model=Qwen/Qwen3-8B",
        "meridian.model.timeout=30s" })
class OpenAiParametersTests extends OpenAiServerTest {

    private static final String MODEL = "Qwen/Qwen3-8B";

    private static final String WEATHER_TOOL = """
            {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city now",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
            """;

    private JsonNode choice(String json) {
        JsonNode completion = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(completion).isNotNull();
        return completion.path("choices").get(0);
    }

    @Test
    void passesSamplingStopSeedPenaltiesAndTheTokenCapInOpenAisFields() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH).willReturn(okJson(OpenAiWire.chatCompletion(MODEL, "Blue.", 9, 2))));

        choice("""
                {"messages": [{"role": "user", "content": "Sky colour?"}], "temperature": 0.3, "top_p": 0.8,
                 "max_tokens": 50, "stop": "END", "seed": 42, "presence_penalty": 0.5, "frequency_penalty": -0.25}
                """);

        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.temperature", equalTo("0.3")))
                .withRequestBody(matchingJsonPath("$.top_p", equalTo("0.8")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("50")))
                // One stop sequence goes as OpenAI's string form.
                .withRequestBody(matchingJsonPath("$.stop", equalTo("END")))
                .withRequestBody(matchingJsonPath("$.seed", equalTo("42")))
                .withRequestBody(matchingJsonPath("$.presence_penalty", equalTo("0.5")))
                .withRequestBody(matchingJsonPath("$.frequency_penalty", equalTo("-0.25"))));
    }

    @Test
    void acceptsAnOllamaRequestsKeepAliveAndSendsNoneToAServerThatHasNoSuchThing() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH).willReturn(okJson(OpenAiWire.chatCompletion(MODEL, "Blue.", 9, 2))));

        client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue("""
                {"model": "%s", "stream": false, "keep_alive": "30m",
                 "messages": [{"role": "user", "content": "Sky colour?"}]}
                """.formatted(MODEL)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.message.content").isEqualTo("Blue.");

        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Sky colour?")))
                .withRequestBody(notContaining("keep_alive"))
                .withRequestBody(notContaining("30m")));
    }

    @Test
    void capsTheAnswerWithMaxCompletionTokensWhenTheClientNamedIt() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH).willReturn(okJson(OpenAiWire.chatCompletion(MODEL, "Blue.", 9, 2))));

        choice("""
                {"messages": [{"role": "user", "content": "Sky colour?"}], "max_completion_tokens": 40}
                """);

        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.max_completion_tokens", equalTo("40")))
                .withRequestBody(notContaining("\"max_tokens\"")));
    }

    @Test
    void passesJsonModeAndAJsonSchemaAsResponseFormat() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion(MODEL, "{\\\"city\\\": \\\"Paris\\\"}", 9, 5))));

        JsonNode jsonMode = choice("""
                {"messages": [{"role": "user", "content": "Capital of France as JSON"}],
                 "response_format": {"type": "json_object"}}
                """);
        choice("""
                {"messages": [{"role": "user", "content": "Capital of France as JSON"}],
                 "response_format": {"type": "json_schema", "json_schema": {"name": "capital", "strict": true,
                   "schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
                              "additionalProperties": false}}}}
                """);

        assertThat(ChatStreams.json(jsonMode.path("message").path("content").stringValue()).path("city").stringValue())
                .isEqualTo("Paris");
        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_object"))));
        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_schema")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.strict", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.schema.required[0]", equalTo("city"))));
    }

    @Test
    void reportsLengthWhenTheServerStoppedAtTheTokenLimit() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion(MODEL, "The sky is blue because", "length", 9, 5))));

        JsonNode choice = choice("""
                {"messages": [{"role": "user", "content": "Why is the sky blue?"}], "max_tokens": 5}
                """);

        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("length");
    }

    @Test
    void offersToolsWithTheToolChoiceAndAnswersTheServersToolCalls() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH).willReturn(okJson(OpenAiWire.toolCallCompletion(MODEL,
                "call_abc123", "get_weather", "{\"city\": \"Paris\"}"))));

        JsonNode choice = choice("""
                {"messages": [{"role": "user", "content": "Weather in Paris?"}], "tools": [%s],
                 "tool_choice": {"type": "function", "function": {"name": "get_weather"}}}
                """.formatted(WEATHER_TOOL));

        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").stringValue()).isEqualTo("call_abc123");
        assertThat(call.path("function").path("name").stringValue()).isEqualTo("get_weather");
        assertThat(ChatStreams.json(call.path("function").path("arguments").stringValue()).path("city").stringValue())
                .isEqualTo("Paris");
        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.tools[0].type", equalTo("function")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("get_weather")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.parameters.required[0]", equalTo("city")))
                .withRequestBody(matchingJsonPath("$.tool_choice.type", equalTo("function")))
                .withRequestBody(matchingJsonPath("$.tool_choice.function.name", equalTo("get_weather"))));
    }

    @Test
    void streamsTheServersToolCallWholeThenFinishesWithToolCalls() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(OpenAiWire.toolCallStream(MODEL, "call_abc123", "get_weather",
                        List.of("{\"ci", "ty\": \"Par", "is\"}")))));

        List<String> events = ChatStreams.stream(client, """
                {"messages": [{"role": "user", "content": "Weather in Paris?"}], "tools": [%s],
                 "tool_choice": "required", "stream": true}
                """.formatted(WEATHER_TOOL), Duration.ofSeconds(60));

        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode call = ChatStreams.json(events.get(events.size() - 3)).path("choices").get(0).path("delta")
                .path("tool_calls").get(0);
        assertThat(call.path("id").stringValue()).isEqualTo("call_abc123");
        assertThat(call.path("function").path("name").stringValue()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").stringValue()).isEqualTo("{\"city\": \"Paris\"}");
        assertThat(ChatStreams.json(events.get(events.size() - 2)).path("choices").get(0).path("finish_reason")
                .stringValue()).isEqualTo("tool_calls");
        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.tool_choice", equalTo("required"))));
    }

    @Test
    void sendsTheToolCallAndItsResultBackInOpenAisShape() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion(MODEL, "It is 18 C and sunny.", 140, 9))));

        choice("""
                {"messages": [
                  {"role": "user", "content": "Weather in Paris?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "call_7", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]},
                  {"role": "tool", "tool_call_id": "call_7", "content": "18 C, sunny"}],
                 "tools": [%s]}
                """.formatted(WEATHER_TOOL));

        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].id", equalTo("call_7")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].function.arguments",
                        equalTo("{\"city\": \"Paris\"}")))
                .withRequestBody(matchingJsonPath("$.messages[2].role", equalTo("tool")))
                .withRequestBody(matchingJsonPath("$.messages[2].tool_call_id", equalTo("call_7")))
                .withRequestBody(matchingJsonPath("$.messages[2].content", equalTo("18 C, sunny"))));
    }
}
