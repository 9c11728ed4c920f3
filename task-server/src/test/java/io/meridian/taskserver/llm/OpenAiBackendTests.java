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
import io.meridian.taskserver.testsupport.OpenAiServerTest;
import io.meridian.taskserver.testsupport.OpenAiWire;
import io.meridian.taskserver.web.ApiError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The {@code openai} backend, end to end through Spring AI's OpenAI client to a WireMock server that
 * speaks OpenAI's {@code /v1/chat/completions} wire format, plain and streamed, as vLLM or
 * llama.cpp server would.
 */
@TestPropertySource(properties = {
        "meridian.model.openai.model=" + OpenAiBackendTests.CONFIGURED_MODEL,
        "meridian.model.timeout=" + OpenAiBackendTests.TIMEOUT_MS + "ms" })
class OpenAiBackendTests extends OpenAiServerTest {

    static final String CONFIGURED_MODEL = "Qwen/Qwen3-8B";

    // Generous: the first call of a fresh context warms up the HTTP client and JSON mapping, which
    // takes seconds on a busy machine. The timeout itself is tested in OpenAiTimeoutTests.
    static final int TIMEOUT_MS = 30_000;

    @Autowired
    private ApplicationContext context;

    @Test
    void usesSpringAisOpenAiChatModelAndNoOllamaOne() {
        assertThat(context.getBean(ChatBackend.class).name()).isEqualTo("openai");
        assertThat(context.getBean(ModelTiers.class).complex().name()).isEqualTo("openai");
        assertThat(context.getBeansOfType(OpenAiChatModel.class)).hasSize(1);
        assertThat(context.getBeansOfType(OllamaChatModel.class)).isEmpty();
    }

    @Test
    void answersWithTheServersTextModelAndTokenUsage() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion("Qwen/Qwen3-8B", "Paris.", 14, 3))));

        process("{\"query\": \"What is the capital of France?\"}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.answer").isEqualTo("Paris.")
                .jsonPath("$.model").isEqualTo("Qwen/Qwen3-8B")
                .jsonPath("$.backend").isEqualTo("openai")
                .jsonPath("$.usage.promptTokens").isEqualTo(14)
                .jsonPath("$.usage.completionTokens").isEqualTo(3)
                .jsonPath("$.usage.totalTokens").isEqualTo(17);

        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withHeader("Authorization", equalTo("Bearer " + API_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(CONFIGURED_MODEL)))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("user")))
                .withRequestBody(matchingJsonPath("$.messages[0].content",
                        equalTo("What is the capital of France?"))));
    }

    @Test
    void passesTheCapOnTheAnswerOn() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion("Qwen/Qwen3-8B", "Paris.", 12, 2))));

        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"max_tokens\": 7, \"messages\": [{\"role\": \"user\", \"content\": \"Capital of France?\"}]}")
                .exchange().expectStatus().isOk();

        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$[?(@.max_tokens == 7 || @.max_completion_tokens == 7)]")));
    }

    @Test
    void passesAConversationOnWithItsRolesAndAnswersWithTheServersUsage() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion("Qwen/Qwen3-8B", "Lyon.", 31, 2))));

        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"messages": [
                          {"role": "system", "content": "Answer in one word."},
                          {"role": "user", "content": "Capital of France?"},
                          {"role": "assistant", "content": "Paris."},
                          {"role": "user", "content": "And its second city?"}]}
                        """)
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("chat.completion")
                .jsonPath("$.choices[0].message.content").isEqualTo("Lyon.")
                .jsonPath("$.usage.prompt_tokens").isEqualTo(31)
                .jsonPath("$.usage.completion_tokens").isEqualTo(2)
                .jsonPath("$.usage.total_tokens").isEqualTo(33);

        upstream.verify(postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.messages.length()", equalTo("4")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Answer in one word.")))
                .withRequestBody(matchingJsonPath("$.messages[2].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[3].content", equalTo("And its second city?"))));
    }

    @Test
    void streamsTheServersChunksInOrderWithItsUsage() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiWire.chatCompletionStream("Qwen/Qwen3-8B",
                                List.of("The", " capital", " is", " Paris."), 12, 4))));

        List<String> events = ChatStreams.stream(client, """
                {"messages": [{"role": "user", "content": "Capital of France?"}],
                 "stream": true, "stream_options": {"include_usage": true}}
                """);

        assertThat(ChatStreams.contents(events)).containsExactly("", "The", " capital", " is", " Paris.");
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode usage = ChatStreams.json(events.get(events.size() - 2)).path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(12);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(16);
        upstream.verify(postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.stream_options.include_usage", equalTo("true"))));
    }

    @Test
    void endsAStreamWithAnErrorEventAndNoDoneWhenTheServerFails() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}")));

        List<String> events = ChatStreams.stream(client,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hello\"}], \"stream\": true}");

        assertThat(events).doesNotContain("[DONE]");
        JsonNode error = ChatStreams.json(events.getLast()).path("error");
        assertThat(error.path("code").stringValue()).isEqualTo(ApiError.MODEL_ERROR);
        assertThat(error.path("message").stringValue()).isEqualTo("model backend 'openai' failed to answer");
    }

    @Test
    void answers502WhenTheServerFails() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}")));

        String message = assertApiError(process("{\"query\": \"hello\"}"), 502, ApiError.MODEL_ERROR, null);

        assertThat(message).isEqualTo("model backend 'openai' failed to answer");
        upstream.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH)));
    }

    @Test
    void answers502WhenTheServerAnswersWithSomethingThatIsNotACompletion() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("<html>proxy error</html>")));

        assertApiError(process("{\"query\": \"hello\"}"), 502, ApiError.MODEL_ERROR, null);
    }

}
