package io.meridian.taskserver.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.ChatStreams;
import io.meridian.taskserver.testsupport.OllamaServerTest;
import io.meridian.taskserver.testsupport.OllamaWire;
import io.meridian.taskserver.web.ApiError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A chat completion's parameters on the {@code ollama} backend, through Spring AI's Ollama client to
 * a WireMock server speaking Ollama's {@code /api/chat}: the request carries them as Ollama's
 * {@code options}, {@code format}, {@code keep_alive} and {@code tools}, and the answer carries
 * Ollama's finish reason and tool calls back in OpenAI's shape.
 */
@TestPropertySource(properties = {
        "meridian.model.ollama.model=qwen3",
        "meridian.model.ollama.keep-alive=10m",
        "meridian.model.timeout=30s" })
class OllamaParametersTests extends OllamaServerTest {

    private static final String WEATHER_TOOL = """
            {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city now",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
            """;

    private JsonNode choice(String json) {
        JsonNode completion = chat(json).expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody();
        assertThat(completion).isNotNull();
        return completion.path("choices").get(0);
    }

    @Test
    void passesSamplingStopSeedAndPenaltiesAsOllamasOptionsWithTheConfiguredKeepAlive() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH).willReturn(okJson(OllamaWire.chatAnswer("qwen3", "Blue.", 9, 2))));

        chat("""
                {"messages": [{"role": "user", "content": "Sky colour?"}], "temperature": 0.3, "top_p": 0.8,
                 "max_tokens": 50, "stop": ["END", "STOP"], "seed": 42, "presence_penalty": 0.5,
                 "frequency_penalty": -0.25}
                """).expectStatus().isOk();

        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.options.temperature", equalTo("0.3")))
                .withRequestBody(matchingJsonPath("$.options.top_p", equalTo("0.8")))
                .withRequestBody(matchingJsonPath("$.options.num_predict", equalTo("50")))
                .withRequestBody(matchingJsonPath("$.options.stop", equalToJson("[\"END\", \"STOP\"]")))
                .withRequestBody(matchingJsonPath("$.options.seed", equalTo("42")))
                .withRequestBody(matchingJsonPath("$.options.presence_penalty", equalTo("0.5")))
                .withRequestBody(matchingJsonPath("$.options.frequency_penalty", equalTo("-0.25")))
                .withRequestBody(matchingJsonPath("$.keep_alive", equalTo("600000ms"))));
    }

    @ParameterizedTest(name = "keep_alive {0} is sent as {1}")
    @CsvSource(delimiter = '|', value = {
        "\"5m\" | 5m",
        "300    | 300s",
        "0      | 0s",
        "-1     | -1s",
    })
    void sendsAnOllamaRequestsKeepAliveInPlaceOfTheRegions(String keepAlive, String sent) {
        ollama.stubFor(post(OllamaWire.CHAT_PATH).willReturn(okJson(OllamaWire.chatAnswer("qwen3", "Blue.", 9, 2))));

        client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue("""
                {"model": "qwen3", "stream": false, "keep_alive": %s,
                 "messages": [{"role": "user", "content": "Sky colour?"}]}
                """.formatted(keepAlive)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.message.content").isEqualTo("Blue.");

        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.keep_alive", equalTo(sent))));
    }

    @Test
    void refusesAKeepAliveOllamaWouldNotReadInOllamasShapeWithoutCallingIt() {
        client.post().uri("/api/generate").contentType(MediaType.APPLICATION_JSON).bodyValue("""
                {"model": "qwen3", "stream": false, "keep_alive": "10 minutes", "prompt": "Sky colour?"}
                """).exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error").value(String.class, error -> assertThat(error)
                        .startsWith("keep_alive must be a duration such as \"5m\"")
                        .contains("but was '10 minutes'")
                        .endsWith("(invalid_request, field keep_alive)"));

        ollama.verify(0, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH)));
    }

    @Test
    void asksForJsonInJsonModeAndForTheSchemaItselfWithAJsonSchema() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer("qwen3", "{\\\"city\\\": \\\"Paris\\\"}", 9, 5))));

        JsonNode jsonMode = choice("""
                {"messages": [{"role": "user", "content": "Capital of France as JSON"}],
                 "response_format": {"type": "json_object"}}
                """);
        chat("""
                {"messages": [{"role": "user", "content": "Capital of France as JSON"}],
                 "response_format": {"type": "json_schema", "json_schema": {"name": "capital", "schema":
                   {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}
                """).expectStatus().isOk();

        assertThat(ChatStreams.json(jsonMode.path("message").path("content").stringValue()).path("city").stringValue())
                .isEqualTo("Paris");
        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.format", equalTo("json"))));
        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.format", equalToJson("""
                        {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
                        """))));
    }

    @Test
    void reportsLengthWhenOllamaStoppedAtTheTokenLimit() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer("qwen3", "The sky is blue because", 9, 5, "length"))));

        JsonNode choice = choice("""
                {"messages": [{"role": "user", "content": "Why is the sky blue?"}], "max_tokens": 5}
                """);

        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("length");
        assertThat(choice.path("message").path("content").stringValue()).isEqualTo("The sky is blue because");
    }

    @Test
    void offersTheToolsAndAnswersOllamasToolCallsWithToolCallsAsTheFinishReason() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.toolCallAnswer("qwen3", "get_weather", "{\"city\": \"Paris\"}"))));

        JsonNode choice = choice("""
                {"messages": [{"role": "user", "content": "Weather in Paris?"}], "tools": [%s]}
                """.formatted(WEATHER_TOOL));

        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").stringValue()).startsWith("call_");
        assertThat(call.path("type").stringValue()).isEqualTo("function");
        assertThat(call.path("function").path("name").stringValue()).isEqualTo("get_weather");
        assertThat(ChatStreams.json(call.path("function").path("arguments").stringValue()).path("city").stringValue())
                .isEqualTo("Paris");
        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.tools[0].type", equalTo("function")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("get_weather")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.description",
                        equalTo("The weather in a city now")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.parameters.required[0]", equalTo("city"))));
    }

    @Test
    void streamsOllamasToolCallsInTheChunkBeforeTheLastAndFinishesWithToolCalls() {
        String ndjson = """
                {"model":"qwen3","created_at":"2025-05-01T10:15:30Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},"done":false}
                {"model":"qwen3","created_at":"2025-05-01T10:15:31Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":120,"eval_count":18}
                """;
        ollama.stubFor(post(OllamaWire.CHAT_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-ndjson").withBody(ndjson)));

        List<String> events = ChatStreams.stream(client, """
                {"messages": [{"role": "user", "content": "Weather in Paris?"}], "tools": [%s], "stream": true}
                """.formatted(WEATHER_TOOL), Duration.ofSeconds(60));

        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode calls = ChatStreams.json(events.get(events.size() - 3)).path("choices").get(0).path("delta")
                .path("tool_calls");
        assertThat(calls.get(0).path("index").asInt()).isZero();
        assertThat(calls.get(0).path("function").path("name").stringValue()).isEqualTo("get_weather");
        assertThat(ChatStreams.json(events.get(events.size() - 2)).path("choices").get(0).path("finish_reason")
                .stringValue()).isEqualTo("tool_calls");
    }

    @Test
    void sendsTheToolCallAndItsResultBackToOllama() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer("qwen3", "It is 18 C and sunny in Paris.", 140, 9))));

        JsonNode choice = choice("""
                {"messages": [
                  {"role": "user", "content": "Weather in Paris?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "call_7", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]},
                  {"role": "tool", "tool_call_id": "call_7", "content": "18 C, sunny"}],
                 "tools": [%s]}
                """.formatted(WEATHER_TOOL));

        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("stop");
        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].id", equalTo("call_7")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].function.name", equalTo("get_weather")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].function.arguments.city",
                        equalTo("Paris")))
                .withRequestBody(matchingJsonPath("$.messages[2].role", equalTo("tool")))
                .withRequestBody(matchingJsonPath("$.messages[2].content", equalTo("18 C, sunny"))));
    }

    @Test
    void refusesAForcedToolChoiceWhichOllamaHasNoFieldFor() {
        String message = assertApiError(chat("""
                {"messages": [{"role": "user", "content": "Weather?"}], "tools": [%s], "tool_choice": "required"}
                """.formatted(WEATHER_TOOL)), 400, ApiError.INVALID_REQUEST, "tool_choice");

        assertThat(message).isEqualTo("tool_choice 'required' is not supported by this region's model backend "
                + "('ollama')");
        ollama.verify(0, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH)));
    }

    @Test
    void offersNoToolsWhenToolChoiceIsNone() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH).willReturn(okJson(OllamaWire.chatAnswer("qwen3", "Sunny.", 9, 2))));

        chat("""
                {"messages": [{"role": "user", "content": "Weather?"}], "tools": [%s], "tool_choice": "none"}
                """.formatted(WEATHER_TOOL)).expectStatus().isOk();

        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.model", equalTo("qwen3"))));
        assertThat(ollama.getAllServeEvents().getFirst().getRequest().getBodyAsString()).doesNotContain("get_weather");
    }

    @Test
    void refusesLogprobsWhateverTheBackend() {
        assertApiError(chat("""
                {"messages": [{"role": "user", "content": "Hi"}], "logprobs": true}
                """), 400, ApiError.INVALID_REQUEST, "logprobs");
    }
}
