package io.meridian.taskserver.embeddings;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.meridian.taskserver.testsupport.OpenAiWire;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.TenantHeaders;
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
 * {@code POST /v1/embeddings} on the {@code openai} backend, through Spring AI's OpenAI embedding
 * model to a WireMock server speaking OpenAI's {@code /v1/embeddings} wire format, while the
 * region's chat stays simulated: the embedding backend, endpoint, model and key are set by
 * {@code meridian.model.embeddings.*} alone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.embeddings.backend=openai",
        "meridian.model.embeddings.model=" + OpenAiEmbeddingsTests.MODEL,
        "meridian.model.embeddings.api-key=embedding-key" })
@AutoConfigureWebTestClient
class OpenAiEmbeddingsTests {

    static final String MODEL = "bge-small-en";

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
        // Generous: the first call of a fresh context warms up the HTTP client on a busy machine.
        this.client = client.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    }

    private WebTestClient.ResponseSpec embed(String json) {
        return client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    @Test
    void sendsTheRequestOnInOpenAisWireFormatWithTheKeyAndAnswersTheServersVectors() {
        server.stubFor(post(OpenAiWire.EMBEDDINGS_PATH).willReturn(okJson(
                OpenAiWire.embeddings(MODEL, 5, "0.6, 0.8", "0.0, 1.0"))));

        embed("{\"model\": \"" + MODEL + "\", \"input\": [\"red apple\", \"a pear\"], \"dimensions\": 2, "
                + "\"user\": \"user-1\"}")
                .expectStatus().isOk()
                .expectHeader().valueEquals(TenantHeaders.USAGE, "prompt=5, completion=0")
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.model").isEqualTo(MODEL)
                .jsonPath("$.data[0].embedding[0]").isEqualTo(0.6)
                .jsonPath("$.data[1].index").isEqualTo(1)
                .jsonPath("$.data[1].embedding[1]").isEqualTo(1.0)
                .jsonPath("$.usage.prompt_tokens").isEqualTo(5)
                .jsonPath("$.usage.total_tokens").isEqualTo(5);

        server.verify(postRequestedFor(urlEqualTo(OpenAiWire.EMBEDDINGS_PATH))
                .withHeader("Authorization", equalTo("Bearer embedding-key"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(MODEL)))
                .withRequestBody(matchingJsonPath("$.input", equalToJson("[\"red apple\", \"a pear\"]")))
                .withRequestBody(matchingJsonPath("$.dimensions", equalTo("2")))
                .withRequestBody(matchingJsonPath("$.user", equalTo("user-1"))));
    }

    @Test
    void theRegionsChatStaysSimulatedAndItsModelsListTheEmbeddingModelOnOpenAi() {
        client.get().uri("/v1/models/" + MODEL).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.owned_by").isEqualTo("openai")
                .jsonPath("$.meridian.kind").isEqualTo("embedding");
        client.get().uri("/v1/models/simulated").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.owned_by").isEqualTo("simulated");
    }

    @Test
    void tokenArraysAreRefusedNamingInput() {
        assertApiError(embed("{\"input\": [1, 2, 3]}"), 400, ApiError.INVALID_REQUEST, "input");
        server.verify(0, postRequestedFor(urlEqualTo(OpenAiWire.EMBEDDINGS_PATH)));
    }

    @Test
    void theServerFailingIsAModelError() {
        server.stubFor(post(OpenAiWire.EMBEDDINGS_PATH).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"message\": \"out of memory\", \"type\": \"server_error\"}}")));

        String message = assertApiError(embed("{\"input\": \"red apple\"}"), 502, ApiError.MODEL_ERROR, null);

        assertThat(message).contains("'openai'").contains("'" + MODEL + "'");
        server.verify(1, postRequestedFor(urlEqualTo(OpenAiWire.EMBEDDINGS_PATH)));
    }
}
