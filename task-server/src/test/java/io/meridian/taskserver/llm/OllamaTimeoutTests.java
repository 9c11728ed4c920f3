package io.meridian.taskserver.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.OllamaServerTest;
import io.meridian.taskserver.testsupport.OllamaWire;
import io.meridian.taskserver.web.ApiError;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The {@code ollama} backend's timeout: a model server slower than {@code meridian.model.timeout}
 * is answered {@code 504 model_timeout}. In a context of its own with a short timeout, so that the
 * other backend tests can wait as long as a busy machine needs.
 */
@TestPropertySource(properties = {
        "meridian.model.ollama.model=" + OllamaTimeoutTests.CONFIGURED_MODEL,
        "meridian.model.timeout=" + OllamaTimeoutTests.TIMEOUT_MS + "ms" })
class OllamaTimeoutTests extends OllamaServerTest {

    static final String CONFIGURED_MODEL = OllamaBackendTests.CONFIGURED_MODEL;

    static final int TIMEOUT_MS = 1000;

    @Test
    void answers504WhenOllamaIsSlowerThanTheTimeout() {
        ollama.stubFor(post(OllamaWire.CHAT_PATH)
                .willReturn(okJson(OllamaWire.chatAnswer(CONFIGURED_MODEL, "too late", 1, 2))
                        .withFixedDelay(TIMEOUT_MS * 5)));

        String message = assertApiError(process("{\"query\": \"hello\"}"), 504, ApiError.MODEL_TIMEOUT, null);

        assertThat(message).contains("ollama").contains(TIMEOUT_MS + " ms");
    }
}
