package io.meridian.taskserver.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.meridian.taskserver.testsupport.OpenAiWire;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
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
 * The {@code openai} backend's timeout: a model server slower than {@code meridian.model.timeout}
 * is answered {@code 504 model_timeout}. In a context of its own with a short timeout, so that the
 * other backend tests can wait as long as a busy machine needs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.backend=openai",
        "meridian.model.openai.model=" + OpenAiTimeoutTests.CONFIGURED_MODEL,
        "meridian.model.timeout=" + OpenAiTimeoutTests.TIMEOUT_MS + "ms",
        "spring.ai.openai.api-key=" + "sk-test-key",
        // One attempt: a failure is final at once, so the endpoints answer it rather than a retry's 202.
        "meridian.queues.simple.max-attempts=1" })
@AutoConfigureWebTestClient
class OpenAiTimeoutTests {

    static final String CONFIGURED_MODEL = OpenAiBackendTests.CONFIGURED_MODEL;

    static final int TIMEOUT_MS = 1000;

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

    private WebTestClient.ResponseSpec process(String json) {
        return client.post().uri("/process").contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    @Test
    void answers504WhenTheServerIsSlowerThanTheTimeout() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion(CONFIGURED_MODEL, "too late", 1, 2))
                        .withFixedDelay(TIMEOUT_MS * 5)));

        String message = assertApiError(process("{\"query\": \"hello\"}"), 504, ApiError.MODEL_TIMEOUT, null);

        assertThat(message).contains("openai").contains(TIMEOUT_MS + " ms");
    }
}
