package io.meridian.taskserver.testsupport;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of the tests of the {@code ollama} backend end to end, through Spring AI's Ollama client to
 * a WireMock server speaking Ollama's API ({@link OllamaWire}): the task server of
 * {@link ModelServerTest} with its backend Ollama at {@link #ollama}. Subclasses add their own
 * properties (the model, {@code meridian.model.timeout}, ...) with {@code @TestPropertySource};
 * {@link OpenAiServerTest} is the same for the {@code openai} backend.
 *
 * <p>The WireMock server is the test class's: started before its first test on a port of its own,
 * reset before each test, stopped after its last, so that no call of one class (a slow answer a
 * timeout test abandoned) reaches another's. Two subclasses with the same properties would share
 * one cached application context, and with it the first one's stopped server: each sets its own.
 */
@TestPropertySource(properties = "meridian.model.backend=ollama")
public abstract class OllamaServerTest extends ModelServerTest {

    /** The Ollama server the region's backend calls, at {@code spring.ai.ollama.base-url}. */
    @RegisterExtension
    protected static final WireMockExtension ollama = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @DynamicPropertySource
    static void ollamaBaseUrl(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.ollama.base-url", ollama::baseUrl);
    }
}
