package io.meridian.taskserver.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.RegionHeaderFilter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code POST /process} on the {@code ollama} backend, end to end through Spring AI's Ollama client
 * to a WireMock server that speaks Ollama's {@code /api/chat} wire format.
 */
@TestPropertySource(properties = {
        "meridian.model.ollama.model=" + OllamaBackendTests.CONFIGURED_MODEL,
        "meridian.model.timeout=" + OllamaBackendTests.TIMEOUT_MS + "ms" })
class OllamaBackendTests extends OllamaServerTest {

    static final String CONFIGURED_MODEL = "qwen3:4b";

    // Generous: the first call of a fresh context warms up the HTTP client and JSON mapping, which
    // takes seconds on a busy machine. The timeout itself is tested in OllamaTimeoutTests.
    static final int TIMEOUT_MS = 30_000;

    @Autowired
    private ApplicationContext context;

    @Test
    void usesSpringAisOllamaChatModel() {
        // Without tiers both queues' tiers call Spring AI's one chat model, at spring.ai.ollama.base-url.
        assertThat(context.getBean(ChatBackend.class).name()).isEqualTo("ollama");
        assertThat(context.getBean(ModelTiers.class).complex().name()).isEqualTo("ollama");
        assertThat(context.getBeansOfType(OllamaChatModel.class)).hasSize(1);
    }

    @Test
    void answersWithOllamasTextModelAndTokenUsage() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer("qwen3:4b", "Paris.", 14, 3))));

        process("{\"query\": \"What is the capital of France?\"}")
                .expectStatus().isOk()
                .expectHeader().valueEquals(RegionHeaderFilter.HEADER, TestRegion.ID)
                .expectBody()
                .jsonPath("$.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.answer").isEqualTo("Paris.")
                .jsonPath("$.model").isEqualTo("qwen3:4b")
                .jsonPath("$.backend").isEqualTo("ollama")
                .jsonPath("$.usage.promptTokens").isEqualTo(14)
                .jsonPath("$.usage.completionTokens").isEqualTo(3)
                .jsonPath("$.usage.totalTokens").isEqualTo(17)
                .jsonPath("$.latencyMs").isNumber();
    }

    @Test
    void sendsTheConfiguredModelAndTheUsersQueryWithoutStreaming() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer(CONFIGURED_MODEL, "Paris.", 14, 3))));

        process("{\"query\": \"What is the capital of France?\"}").expectStatus().isOk();

        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.model", equalTo(CONFIGURED_MODEL)))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("false")))
                .withRequestBody(matchingJsonPath("$.messages.length()", equalTo("1")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("user")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("What is the capital of France?"))));
    }

    @Test
    void passesTheCapOnTheAnswerAsNumPredict() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer(CONFIGURED_MODEL, "Paris.", 14, 3))));

        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"max_tokens\": 7, \"messages\": [{\"role\": \"user\", \"content\": \"Capital of France?\"}]}")
                .exchange().expectStatus().isOk();

        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.options.num_predict", equalTo("7"))));
    }

    @Test
    void sendsTheModelTheRequestNamesAndEchoesTheModelOllamaReports() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer("llama3.2:latest", "Hi!", 5, 2))));

        process("{\"query\": \"Say hi\", \"model\": \"llama3.2\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.model").isEqualTo("llama3.2:latest");

        ollama.verify(postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.model", equalTo("llama3.2"))));
    }

    @Test
    void streamsOllamasChunksThroughTheChatCompletionsEndpointWithItsUsage() {
        String ndjson = """
                {"model":"qwen3:4b","created_at":"2025-05-01T10:15:30Z","message":{"role":"assistant","content":"Par"},"done":false}
                {"model":"qwen3:4b","created_at":"2025-05-01T10:15:30Z","message":{"role":"assistant","content":"is."},"done":false}
                {"model":"qwen3:4b","created_at":"2025-05-01T10:15:31Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":9,"eval_count":2}
                """;
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-ndjson")
                        .withBody(ndjson)));

        List<String> events = ChatStreams.stream(client, """
                {"messages": [{"role": "user", "content": "Capital of France?"}],
                 "stream": true, "stream_options": {"include_usage": true}}
                """);

        assertThat(ChatStreams.contents(events)).containsExactly("", "Par", "is.");
        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertThat(ChatStreams.json(events.get(events.size() - 2))
                .path("usage").path("total_tokens").asInt()).isEqualTo(11);
        ollama.verify(postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
    }

    @Test
    void answers502WhenOllamaFailsAndDoesNotRetry() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(aResponse().withStatus(500)
                        .withBody("{\"error\":\"llama runner process has terminated\"}")));

        String message = assertApiError(process("{\"query\": \"hello\"}"), 502, ApiError.MODEL_ERROR, null);

        assertThat(message).isEqualTo("model backend 'ollama' failed to answer");
        ollama.verify(1, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH)));
    }

    @Test
    void answers502WhenOllamaDoesNotKnowTheModel() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(aResponse().withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"model \\\"nope\\\" not found, try pulling it first\"}")));

        assertApiError(process("{\"query\": \"hello\", \"model\": \"nope\"}"), 502, ApiError.MODEL_ERROR, null);
    }

    @Test
    void answers502WhenOllamaAnswersWithSomethingThatIsNotJson() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("<html>proxy error</html>")));

        assertApiError(process("{\"query\": \"hello\"}"), 502, ApiError.MODEL_ERROR, null);
    }

    @Test
    void answers502WhenOllamasAnswerHasNoMessage() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson("{\"model\": \"qwen3:4b\", \"done\": true}")));

        assertApiError(process("{\"query\": \"hello\"}"), 502, ApiError.MODEL_ERROR, null);
    }

    @Test
    void healthNamesTheOllamaBackendAndItsModel() {
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.region.details.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.components.region.details.backend").isEqualTo("ollama")
                .jsonPath("$.components.region.details.model").isEqualTo(CONFIGURED_MODEL);
    }
}
