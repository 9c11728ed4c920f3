package io.meridian.taskserver.testsupport;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of the tests of the {@code openai} backend end to end, through Spring AI's OpenAI client
 * (the official OpenAI Java SDK) to a WireMock server speaking OpenAI's
 * {@code /v1/chat/completions} ({@link OpenAiWire}), as vLLM or llama.cpp server would: the task
 * server of {@link ModelServerTest} with its backend that server ({@link #upstream}), called with
 * the key {@link #API_KEY}. Subclasses add their own properties (the model,
 * {@code meridian.model.timeout}, ...) with {@code @TestPropertySource}.
 *
 * <p>The WireMock server is the test class's, as in {@link OllamaServerTest}: reset before each
 * test, stopped after its last; two subclasses with the same properties would share one cached
 * application context and the first one's stopped server, so each sets its own.
 */
@TestPropertySource(properties = {
        "meridian.model.backend=openai",
        "spring.ai.openai.api-key=" + OpenAiServerTest.API_KEY })
public abstract class OpenAiServerTest extends ModelServerTest {

    /** The key the region's backend sends, as {@code Authorization: Bearer}. */
    public static final String API_KEY = "sk-test-key";

    /** The OpenAI-compatible server, at {@code spring.ai.openai.base-url} (its {@code /v1}). */
    @RegisterExtension
    protected static final WireMockExtension upstream = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @DynamicPropertySource
    static void openAiBaseUrl(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.openai.base-url", () -> upstream.baseUrl() + "/v1");
    }
}
