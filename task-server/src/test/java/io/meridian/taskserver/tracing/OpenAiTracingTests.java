package io.meridian.taskserver.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.meridian.taskserver.testsupport.OpenAiWire;
import io.meridian.taskserver.testsupport.TestRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The OpenAI SDK's HTTP client is not observed, so the trace reaches an OpenAI-compatible server as
 * a header of the request (WireMock speaking {@code /v1/chat/completions}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.backend=openai",
        "meridian.model.openai.model=Qwen/Qwen3-8B",
        "meridian.model.timeout=30s", // the first call of a fresh context takes seconds on a busy machine
        "spring.ai.openai.api-key=sk-test-key",
        "meridian.queues.simple.max-attempts=1",
        "management.tracing.sampling.probability=1.0"})
@AutoConfigureWebTestClient
class OpenAiTracingTests {

    @RegisterExtension
    static final WireMockExtension upstream = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @DynamicPropertySource
    static void openAiBaseUrl(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.openai.base-url", () -> upstream.baseUrl() + "/v1");
    }

    private WebTestClient client;

    @Autowired
    void client(WebTestClient client) {
        this.client = client.mutate().responseTimeout(java.time.Duration.ofSeconds(60)).build();
    }

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
