package io.meridian.taskserver.models;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.TenantHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/models} and {@code /v1/models/{id}} on the simulated backend, with an alias: OpenAI's
 * list and model shapes, what each name is, a tenant's restriction, and 404 model_not_found.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.aliases.gpt-4o-mini=simple"})
@AutoConfigureWebTestClient
class ModelsEndpointTests {

    @Autowired
    private WebTestClient client;

    private JsonNode get(String uri, String allowedModels) {
        WebTestClient.RequestHeadersSpec<?> request = client.get().uri(uri);
        if (!allowedModels.isEmpty()) {
            request = request.header(TenantHeaders.ALLOWED_MODELS, allowedModels);
        }
        String body = request.exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return JsonMapper.builder().build().readTree(body);
    }

    @Test
    void listsEveryNameInOpenAisListShapeSayingWhatItIsAndThatItIsSimulated() {
        JsonNode list = get("/v1/models", "");

        assertThat(list.path("object").stringValue()).isEqualTo("list");
        List<String> ids = list.path("data").valueStream().map(model -> model.path("id").stringValue()).toList();
        assertThat(ids).containsExactly("simulated", "qwen3:14b", "simple", "complex", "simulated-embedding",
                "gpt-4o-mini");
        assertThat(list.path("data").valueStream()).allSatisfy(model -> {
            assertThat(model.path("object").stringValue()).isEqualTo("model");
            assertThat(model.path("created").asLong()).isPositive();
            assertThat(model.path("owned_by").stringValue()).isEqualTo("simulated");
            assertThat(model.path("meridian").path("region").stringValue()).isEqualTo(TestRegion.ID);
            assertThat(model.path("meridian").path("backend").stringValue()).isEqualTo("simulated");
        });
        JsonNode alias = list.path("data").get(5).path("meridian");
        assertThat(alias.path("kind").stringValue()).isEqualTo("alias");
        assertThat(alias.path("aliasOf").stringValue()).isEqualTo("simple");
        assertThat(alias.path("queue").stringValue()).isEqualTo("simple");
        assertThat(alias.path("model").stringValue()).isEqualTo("simulated");
        assertThat(list.path("data").get(1).path("meridian").path("queue").stringValue()).isEqualTo("complex");
        JsonNode embedding = list.path("data").get(4).path("meridian");
        assertThat(embedding.path("kind").stringValue()).isEqualTo("embedding");
        assertThat(embedding.has("queue")).as("the embedding model runs on no queue").isFalse();
    }

    @Test
    void answersOneModelById() {
        JsonNode model = get("/v1/models/qwen3:14b", "");

        assertThat(model.path("id").stringValue()).isEqualTo("qwen3:14b");
        assertThat(model.path("object").stringValue()).isEqualTo("model");
        assertThat(model.path("meridian").path("kind").stringValue()).isEqualTo("model");
    }

    @Test
    void aTenantRestrictedToSomeModelsSeesOnlyThoseAndNotFoundForTheOthers() {
        JsonNode list = get("/v1/models", "qwen3:14b");

        assertThat(list.path("data").valueStream().map(model -> model.path("id").stringValue()))
                .containsExactly("qwen3:14b", "complex");
        assertApiError(client.get().uri("/v1/models/simple").header(TenantHeaders.ALLOWED_MODELS, "qwen3:14b").exchange(),
                404, ApiError.MODEL_NOT_FOUND, "model");
    }

    @Test
    void anUnknownIdIsNotFoundInOpenAisShape() {
        String message = assertApiError(client.get().uri("/v1/models/gpt-4o-does-not-exist").exchange(), 404,
                ApiError.MODEL_NOT_FOUND, "model");

        assertThat(message).contains("'gpt-4o-does-not-exist'");
    }
}
