package io.meridian.taskserver.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.OpenAiServerTest;
import io.meridian.taskserver.testsupport.OpenAiWire;
import io.meridian.taskserver.web.ApiError;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The {@code openai} backend's timeout: a model server slower than {@code meridian.model.timeout}
 * is answered {@code 504 model_timeout}. In a context of its own with a short timeout, so that the
 * other backend tests can wait as long as a busy machine needs.
 */
@TestPropertySource(properties = {
        "meridian.model.openai.model=" + OpenAiTimeoutTests.CONFIGURED_MODEL,
        "meridian.model.timeout=" + OpenAiTimeoutTests.TIMEOUT_MS + "ms" })
class OpenAiTimeoutTests extends OpenAiServerTest {

    static final String CONFIGURED_MODEL = OpenAiBackendTests.CONFIGURED_MODEL;

    static final int TIMEOUT_MS = 1000;

    @Test
    void answers504WhenTheServerIsSlowerThanTheTimeout() {
        upstream.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion(CONFIGURED_MODEL, "too late", 1, 2))
                        .withFixedDelay(TIMEOUT_MS * 5)));

        String message = assertApiError(process("{\"query\": \"hello\"}"), 504, ApiError.MODEL_TIMEOUT, null);

        assertThat(message).contains("openai").contains(TIMEOUT_MS + " ms");
    }
}
