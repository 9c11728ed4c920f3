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
import io.meridian.taskserver.testsupport.OllamaWire;
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
 * {@code POST /v1/embeddings} on the {@code ollama} backend, through Spring AI's Ollama embedding
 * model to a WireMock server speaking Ollama's {@code /api/embed} wire format: the region's chat
 * backend is Ollama, so embeddings follow it to the same server with Ollama's usual small
 * embedding model.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.backend=ollama",
        "meridian.model.ollama.keep-alive=10m",
        "meridian.model.aliases.text-embedding-3-small=nomic-embed-text" })
@AutoConfigureWebTestClient
class OllamaEmbeddingsTests {

    @RegisterExtension
    static final WireMockExtension ollama = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @DynamicPropertySource
    static void ollamaBaseUrl(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.ollama.base-url", ollama::baseUrl);
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
    void sendsTheTextsToOllamasEmbedApiAndAnswersItsVectorsInOpenAisShape() {
        ollama.stubFor(post(OllamaWire.EMBED_PATH).willReturn(okJson(
                OllamaWire.embedAnswer("nomic-embed-text", 7, "0.6, 0.8", "1.0, 0.0"))));

        embed("{\"model\": \"text-embedding-3-small\", \"input\": [\"red apple\", \"a pear\"], \"dimensions\": 2}")
                .expectStatus().isOk()
                .expectHeader().valueEquals(TenantHeaders.USAGE, "prompt=7, completion=0")
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.model").isEqualTo("nomic-embed-text")
                .jsonPath("$.data.length()").isEqualTo(2)
                .jsonPath("$.data[0].object").isEqualTo("embedding")
                .jsonPath("$.data[0].index").isEqualTo(0)
                .jsonPath("$.data[0].embedding[1]").isEqualTo(0.8)
                .jsonPath("$.data[1].index").isEqualTo(1)
                .jsonPath("$.data[1].embedding[0]").isEqualTo(1.0)
                .jsonPath("$.usage.prompt_tokens").isEqualTo(7)
                .jsonPath("$.usage.total_tokens").isEqualTo(7);

        ollama.verify(postRequestedFor(urlEqualTo(OllamaWire.EMBED_PATH))
                .withRequestBody(matchingJsonPath("$.model", equalTo("nomic-embed-text")))
                .withRequestBody(matchingJsonPath("$.input", equalToJson("[\"red apple\", \"a pear\"]")))
                .withRequestBody(matchingJsonPath("$.keep_alive", equalTo("600000ms")))
                .withRequestBody(matchingJsonPath("$.dimensions", equalTo("2"))));
    }

    @Test
    void base64VectorsAreEncodedHereFromOllamasFloats() {
        ollama.stubFor(post(OllamaWire.EMBED_PATH).willReturn(okJson(
                OllamaWire.embedAnswer("nomic-embed-text", 2, "1.0, -2.0"))));

        embed("{\"input\": \"red apple\", \"encoding_format\": \"base64\"}").expectStatus().isOk()
                .expectBody().jsonPath("$.data[0].embedding")
                .isEqualTo(EmbeddingList.base64(new float[] {1.0f, -2.0f}));
        assertThat(EmbeddingList.base64(new float[] {1.0f, -2.0f})).as("little-endian IEEE 754").isEqualTo("AACAPwAAAMA=");
    }

    @Test
    void tokenArraysAreRefusedNamingInputBeforeOllamaIsCalled() {
        String message = assertApiError(embed("{\"input\": [[1, 2, 3]]}"), 400, ApiError.INVALID_REQUEST, "input");

        assertThat(message).contains("'nomic-embed-text'").contains("'ollama'").contains("token arrays");
        ollama.verify(0, postRequestedFor(urlEqualTo(OllamaWire.EMBED_PATH)));
    }

    @Test
    void ollamaFailingIsAModelErrorNamingTheBackend() {
        ollama.stubFor(post(OllamaWire.EMBED_PATH).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"model \\\"nomic-embed-text\\\" not found, try pulling it first\"}")));

        String message = assertApiError(embed("{\"input\": \"red apple\"}"), 502, ApiError.MODEL_ERROR, null);

        assertThat(message).contains("'ollama'").contains("'nomic-embed-text'");
    }
}
