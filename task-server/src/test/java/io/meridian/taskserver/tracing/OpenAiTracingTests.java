package io.meridian.taskserver.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.OpenAiServerTest;
import io.meridian.taskserver.testsupport.OpenAiWire;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/**
 * The OpenAI SDK's HTTP client is not observed, so the trace reaches an OpenAI-compatible server as
 * a header of the request (WireMock speaking {@code /v1/chat/completions}).
 */
@TestPropertySource(properties = {
        "meridian.model.openai.model=Qwen/Qwen3-8B",
        "meridian.model.timeout=30s", // the first call of a fresh context takes seconds on a busy machine
        "management.tracing.sampling.probability=1.0" })
class OpenAiTracingTests extends OpenAiServerTest {

    @Test
    void theModelServerReceivesTheTrace() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion("Qwen/Qwen3-8B", "Paris.", 14, 3))));

        client.post().uri("/process")
                .header("traceparent", OllamaTracingTests.TRACEPARENT)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"Capital of France?\"}")
                .exchange()
                .expectStatus().isOk();

        String header = upstream.findAll(postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))).getFirst()
                .getHeader("traceparent");
        assertThat(header).matches("00-" + OllamaTracingTests.TRACE_ID + "-[0-9a-f]{16}-01")
                .doesNotContain(OllamaTracingTests.CLIENT_SPAN);
    }
}
