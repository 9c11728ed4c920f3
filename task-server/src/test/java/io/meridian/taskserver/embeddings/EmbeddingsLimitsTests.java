package io.meridian.taskserver.embeddings;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.meridian.taskserver.testsupport.OpenAiWire;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import java.time.Duration;
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
 * An embeddings call that outlasts {@code meridian.model.embeddings.timeout} is {@code 504
 * model_timeout}, and gives its slot of the region's capacity back: the region still answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.server.capacity=1",
        "meridian.model.embeddings.backend=openai",
        "meridian.model.embeddings.timeout=1s" })
@AutoConfigureWebTestClient
class EmbeddingsLimitsTests {

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @DynamicPropertySource
    static void endpoint(DynamicPropertyRegistry registry) {
        registry.add("meridian.model.embeddings.endpoint", () -> server.baseUrl() + "/v1");
    }

    private WebTestClient client;

    @Autowired
    void client(WebTestClient client) {
        this.client = client.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    }

    @Test
    void aCallPastTheTimeoutIsAModelTimeoutAndGivesItsCapacityBack() {
        // Far past the 1 s timeout, so that no busy machine makes the answer arrive in time.
        server.stubFor(post(OpenAiWire.EMBEDDINGS_PATH).willReturn(okJson(
                OpenAiWire.embeddings("text-embedding-3-small", 1, "1.0")).withFixedDelay(20_000)));

        String message = assertApiError(client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\": \"hi\"}").exchange(), 504, ApiError.MODEL_TIMEOUT, null);
        assertThat(message).contains("'openai'").contains("1000 ms");

        // Capacity 1: a slot not given back would make this an overloaded 503.
        client.post().uri("/process").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\": \"hi\"}")
                .exchange().expectStatus().isOk();
    }
}
