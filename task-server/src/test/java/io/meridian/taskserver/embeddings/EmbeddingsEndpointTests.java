package io.meridian.taskserver.embeddings;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.meridian.taskserver.testsupport.TestRegion;
import io.micrometer.core.instrument.MeterRegistry;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.RegionHeaderFilter;
import io.meridian.taskserver.web.TenantHeaders;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code POST /v1/embeddings} on the simulated embedding model: OpenAI's wire format, vectors that
 * are the same for the same text and of unit length, base64 encoding, shortened vectors, usage
 * reported to the gateway, the official OpenAI Java SDK reading both encodings, the model's names in {@code GET /v1/models}, and a 400 naming the field
 * for each bad field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.embeddings.simulated.dimensions=" + EmbeddingsEndpointTests.DIMENSIONS,
        "meridian.model.embeddings.max-inputs=4",
        "meridian.model.embeddings.max-input-length=20",
        "meridian.model.embeddings.max-input-tokens=5",
        "meridian.model.aliases.text-embedding-3-small=simulated-embedding",
        "meridian.model.aliases.gpt-4o-mini=simple" })
@AutoConfigureWebTestClient
class EmbeddingsEndpointTests {

    static final int DIMENSIONS = 64;

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() { };

    @Autowired
    private WebTestClient client;

    @LocalServerPort
    private int port;

    @Autowired
    private MeterRegistry meters;

    private WebTestClient.ResponseSpec embed(String json) {
        return client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private Map<String, Object> answer(String json) {
        Map<String, Object> body = embed(json).expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(JSON_OBJECT).returnResult().getResponseBody();
        assertThat(body).isNotNull();
        return body;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> data(Map<String, Object> answer) {
        return (List<Map<String, Object>>) answer.get("data");
    }

    @SuppressWarnings("unchecked")
    private static double[] vector(Map<String, Object> item) {
        return ((List<Number>) item.get("embedding")).stream().mapToDouble(Number::doubleValue).toArray();
    }

    private static double length(double[] vector) {
        double squares = 0;
        for (double component : vector) {
            squares += component * component;
        }
        return Math.sqrt(squares);
    }

    @Test
    void answersInOpenAisWireFormatWithAUnitVectorPerInput() {
        Map<String, Object> answer = answer("{\"model\": \"simulated-embedding\", \"input\": [\"red apple\", \"a pear\"]}");

        assertThat(answer).containsEntry("object", "list").containsEntry("model", "simulated-embedding");
        assertThat(data(answer)).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Map<String, Object> item = data(answer).get(i);
            assertThat(item).containsEntry("object", "embedding").containsEntry("index", i);
            assertThat(vector(item)).hasSize(DIMENSIONS);
            assertThat(length(vector(item))).isCloseTo(1.0, offset(1e-5));
        }
        assertThat(vector(data(answer).get(0))).isNotEqualTo(vector(data(answer).get(1)));
        assertThat(answer.get("usage")).isEqualTo(Map.of("prompt_tokens", 4, "total_tokens", 4));
    }

    @Test
    void theSameTextGetsTheSameVectorAloneOrInABatchUnderAnyOfItsNames() {
        double[] alone = vector(data(answer("{\"input\": \"red apple\"}")).getFirst());
        double[] batched = vector(data(answer(
                "{\"model\": \"text-embedding-3-small\", \"input\": [\"a pear\", \"red apple\"]}")).get(1));

        assertThat(batched).containsExactly(alone);
        assertThat(vector(data(answer("{\"input\": \"red apples\"}")).getFirst())).isNotEqualTo(alone);
    }

    @Test
    void reportsTheTokensItCostToTheGatewayAsAPromptWithoutCompletion() {
        embed("{\"input\": [\"one two three\", \"four\"]}").expectStatus().isOk()
                .expectHeader().valueEquals(TenantHeaders.USAGE, "prompt=4, completion=0")
                .expectHeader().valueEquals(RegionHeaderFilter.HEADER, TestRegion.ID);
    }

    @Test
    void eachCallIsMeasuredWithItsOutcomeAndTokens() {
        embed("{\"input\": [\"one two\", \"three\"]}").expectStatus().isOk();

        assertThat(meters.get("meridian.embeddings.calls").tag("backend", "simulated")
                .tag("model", "simulated-embedding").tag("outcome", "success").timer().count()).isPositive();
        assertThat(meters.get("meridian.model.tokens").tag("backend", "simulated").tag("model", "simulated-embedding")
                .tag("direction", "in").counter().count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void base64IsTheLittleEndianFloatsOfTheSameVector() {
        double[] floats = vector(data(answer("{\"input\": \"red apple\"}")).getFirst());
        String encoded = (String) data(answer("{\"input\": \"red apple\", \"encoding_format\": \"base64\"}"))
                .getFirst().get("embedding");

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(DIMENSIONS * Float.BYTES);
        for (double component : floats) {
            assertThat((double) bytes.getFloat()).isEqualTo((double) (float) component);
        }
    }

    @Test
    void fewerDimensionsAreTheFullVectorsFirstComponentsScaledToUnitLength() {
        double[] full = vector(data(answer("{\"input\": \"red apple\"}")).getFirst());
        double[] shortened = vector(data(answer("{\"input\": \"red apple\", \"dimensions\": 8}")).getFirst());

        assertThat(shortened).hasSize(8);
        assertThat(length(shortened)).isCloseTo(1.0, offset(1e-5));
        double scale = shortened[0] / full[0];
        for (int i = 0; i < 8; i++) {
            assertThat(shortened[i]).isCloseTo(full[i] * scale, offset(1e-5));
        }
    }

    @Test
    void tokenArraysAreEmbeddedOnTheSimulatedModelAndCostTheirLength() {
        Map<String, Object> one = answer("{\"input\": [1, 2, 3]}");
        Map<String, Object> two = answer("{\"input\": [[1, 2, 3], [4]]}");

        assertThat(vector(data(two).getFirst())).containsExactly(vector(data(one).getFirst()));
        assertThat(two.get("usage")).isEqualTo(Map.of("prompt_tokens", 4, "total_tokens", 4));
    }

    @Test
    void theOfficialOpenAiSdkReadsTheSameVectorsAsFloatsAndAsBase64() {
        OpenAIClient openAi = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("any").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        EmbeddingCreateParams.Builder params = EmbeddingCreateParams.builder().model("text-embedding-3-small")
                        .inputOfArrayOfStrings(List.of("red apple", "a pear"));

        CreateEmbeddingResponse floats = openAi.embeddings().create(params
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        CreateEmbeddingResponse base64 = openAi.embeddings().create(params
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());

        assertThat(floats.data()).hasSize(2);
        assertThat(floats.data().get(1).index()).isEqualTo(1);
        assertThat(floats.data().get(0).embedding()).hasSize(DIMENSIONS);
        assertThat(base64.data().get(0).embedding()).isEqualTo(floats.data().get(0).embedding());
        assertThat(base64.data().get(1).embedding()).isEqualTo(floats.data().get(1).embedding());
        assertThat(floats.usage().promptTokens()).isEqualTo(4);
        assertThat(floats.model()).isEqualTo("simulated-embedding");
    }

    @Test
    void listsTheEmbeddingModelAndItsAliasAmongTheModels() {
        client.get().uri("/v1/models").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data[?(@.id == 'simulated-embedding')].meridian.kind").isEqualTo("embedding")
                .jsonPath("$.data[?(@.id == 'simulated-embedding')].owned_by").isEqualTo("simulated")
                .jsonPath("$.data[?(@.id == 'text-embedding-3-small')].meridian.aliasOf").isEqualTo("simulated-embedding")
                .jsonPath("$.data[?(@.id == 'text-embedding-3-small')].meridian.kind").isEqualTo("alias");
    }

    @Test
    void anUnknownModelIsNotFound() {
        String message = assertApiError(embed("{\"model\": \"no-such-model\", \"input\": \"hi\"}"), 404,
                ApiError.MODEL_NOT_FOUND, "model");
        assertThat(message).contains("no-such-model");
    }

    @Test
    void aChatModelDoesNotEmbedAndTheEmbeddingModelDoesNotChat() {
        String embedding = assertApiError(embed("{\"model\": \"gpt-4o-mini\", \"input\": \"hi\"}"), 400,
                ApiError.INVALID_REQUEST, "model");
        assertThat(embedding).contains("'gpt-4o-mini' does not embed").contains("'simulated-embedding'");

        String chat = assertApiError(client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": \"text-embedding-3-small\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .exchange(), 400, ApiError.INVALID_REQUEST, "model");
        assertThat(chat).contains("embedding model").contains("POST /v1/embeddings");
    }

    @Test
    void aTenantMayNotUseAnEmbeddingModelItsKeyDoesNotAllow() {
        assertApiError(client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON)
                .header(TenantHeaders.ALLOWED_MODELS, "qwen3").bodyValue("{\"input\": \"hi\"}").exchange(),
                403, ApiError.MODEL_NOT_ALLOWED, "model");
    }

    @Test
    void anEmptyBodyIsMalformed() {
        assertApiError(client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON).exchange(),
                400, ApiError.MALFORMED_JSON, null);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "[1, 2]                                                 | ",
            "{\"model\": 7, \"input\": \"hi\"}                      | model",
            "{\"model\": \" \", \"input\": \"hi\"}                  | model",
            "{\"model\": \"simulated-embedding\"}                   | input",
            "{\"input\": 3}                                         | input",
            "{\"input\": {\"text\": \"hi\"}}                        | input",
            "{\"input\": []}                                        | input",
            "{\"input\": \"\"}                                      | input",
            "{\"input\": \"this text is over twenty\"}              | input",
            "{\"input\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}       | input",
            "{\"input\": [\"a\", \"b\", \"c\", 4]}                  | input[3]",
            "{\"input\": [\"a\", \"\"]}                             | input[1]",
            "{\"input\": [\"a\", \"this text is over twenty\"]}     | input[1]",
            "{\"input\": [[1, 2], \"b\"]}                           | input[1]",
            "{\"input\": [[1, 2], []]}                              | input[1]",
            "{\"input\": [[1, 2], [1, 2, 3, 4, 5, 6]]}              | input[1]",
            "{\"input\": [[1, 2], [3, -4]]}                         | input[1][1]",
            "{\"input\": [[1, 2], [3, 1.5]]}                        | input[1][1]",
            "{\"input\": [1, 2, \"x\"]}                             | input[2]",
            "{\"input\": [1, 4294967296]}                           | input[1]",
            "{\"input\": \"hi\", \"encoding_format\": \"int8\"}     | encoding_format",
            "{\"input\": \"hi\", \"encoding_format\": 1}            | encoding_format",
            "{\"input\": \"hi\", \"dimensions\": 0}                 | dimensions",
            "{\"input\": \"hi\", \"dimensions\": \"8\"}             | dimensions",
            "{\"input\": \"hi\", \"dimensions\": 2.5}               | dimensions",
            "{\"input\": \"hi\", \"dimensions\": 65}                | dimensions",
            "{\"input\": \"hi\", \"user\": 42}                      | user" })
    void eachBadFieldIsRefusedNamingIt(String body, @Nullable String field) {
        assertApiError(embed(body), 400, ApiError.INVALID_REQUEST, field);
    }
}
