package io.meridian.gateway.models;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.models.Model;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.gateway.tenant.ApiKeys;
import io.meridian.protocol.MeridianHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/models} and {@code /v1/models/{id}} at the gateway against three WireMock regions
 * that list their models as task servers do, called by the official OpenAI Java SDK: one list
 * merged by id across regions, naming the regions that serve each model; a region too slow to answer
 * left out and named; one model by id; 404 model_not_found in OpenAI's shape; the API key checked
 * and the tenant passed on as on every route.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.models.timeout=1s",
        "meridian.auth.anonymous=false",
        "meridian.auth.tenants[0].id=acme",
        "meridian.auth.tenants[0].keys-sha256[0]=" + ModelsIntegrationTests.MODELS_HASH,
        "meridian.auth.tenants[1].id=qwen-only",
        "meridian.auth.tenants[1].keys-sha256[0]=" + ModelsIntegrationTests.QWEN_ONLY_HASH,
        "meridian.auth.tenants[1].models[0]=qwen3"})
class ModelsIntegrationTests extends RegionsIntegrationTest {

    static final String MODELS_HASH = "95b2a551074bd6287fd9fb7b2cbc8071e38abae6c911861faddad1f6e264313c";
    static final String QWEN_ONLY_HASH = "78ad63f8fecbdd51fd8e56ff24016c24c874864d9735f816552b535fbe64d0c6";

    private OpenAIClient openAi(String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(apiKey)
                .putHeader("X-Forwarded-For", "8.8.8.8") // a client in the US: us-east is nearest
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    private static String model(String id, long created, String backend, String region, String queue) {
        return "{\"id\":\"" + id + "\",\"object\":\"model\",\"created\":" + created + ",\"owned_by\":\"" + backend
                + "\",\"meridian\":{\"region\":\"" + region + "\",\"kind\":\"model\",\"queue\":\"" + queue
                + "\",\"model\":\"" + id + "\",\"backend\":\"" + backend + "\"}}";
    }

    private static void lists(WireMockServer region, String... models) {
        region.stubFor(get(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"list\",\"data\":[" + String.join(",", models) + "]}")));
    }

    private void threeRegionsListTheirModels() {
        lists(regions.get("us-east"), model("qwen3", 1_700_000_100, "ollama", "us-east", "simple"));
        lists(regions.get("eu-central"), model("qwen3", 1_700_000_000, "ollama", "eu-central", "simple"),
                model("qwen3:14b", 1_700_000_000, "openai", "eu-central", "complex"));
        lists(regions.get("ap-southeast"), model("simulated", 1_700_000_200, "simulated", "ap-southeast", "simple"));
    }

    @Test
    void listsEveryRegionsModelsMergedByIdNamingTheRegionsThatServeEach() {
        threeRegionsListTheirModels();

        List<Model> models = openAi("models-key").models().list().data();

        assertThat(models).extracting(Model::id).containsExactly("qwen3", "qwen3:14b", "simulated");
        Model qwen = models.getFirst();
        assertThat(qwen.created()).isEqualTo(1_700_000_000);
        assertThat(qwen.ownedBy()).isEqualTo("ollama");
        Map<?, ?> meridian = qwen._additionalProperties().get("meridian").convert(Map.class);
        assertThat(meridian.get("regions")).isEqualTo(List.of("us-east", "eu-central"));
        assertThat((List<?>) meridian.get("served")).hasSize(2).allSatisfy(served ->
                assertThat(((Map<?, ?>) served).get("queue")).isEqualTo("simple"));
        assertThat(models.get(2)._additionalProperties().get("meridian").convert(Map.class).get("regions"))
                .isEqualTo(List.of("ap-southeast"));
    }

    @Test
    void aRegionTooSlowToAnswerIsLeftOutAndNamed() {
        threeRegionsListTheirModels();
        regions.get("ap-southeast").stubFor(get(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(5000).withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"list\",\"data\":[]}")));

        JsonNode list = JsonMapper.builder().build().readTree(client.get().uri("/v1/models")
                .header("X-Forwarded-For", "8.8.8.8").header(HttpHeaders.AUTHORIZATION, "Bearer models-key")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());

        assertThat(list.path("object").stringValue()).isEqualTo("list");
        assertThat(list.path("data").valueStream().map(model -> model.path("id").stringValue()))
                .containsExactly("qwen3", "qwen3:14b");
        assertThat(list.path("meridian").path("regions").valueStream().map(JsonNode::stringValue))
                .containsExactly("us-east", "eu-central");
        assertThat(list.path("meridian").path("unavailable").get(0).path("region").stringValue()).isEqualTo("ap-southeast");
        assertThat(list.path("meridian").path("unavailable").get(0).path("reason").stringValue()).isEqualTo("timeout");
    }

    @Test
    void answersOneModelFromTheRegionsThatServeIt() {
        threeRegionsListTheirModels();
        regions.servers().forEach(region -> region.stubFor(get(urlPathMatching("/v1/models/.+")).willReturn(
                aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"no\",\"type\":\"invalid_request_error\",\"param\":\"model\","
                                + "\"code\":\"model_not_found\"}}"))));
        regions.get("eu-central").stubFor(get(urlPathMatching("/v1/models/qwen3(:|%3A)14b")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(model("qwen3:14b", 1_700_000_000, "openai", "eu-central", "complex"))));

        Model model = openAi("models-key").models().retrieve("qwen3:14b");

        assertThat(model.id()).isEqualTo("qwen3:14b");
        assertThat(model.ownedBy()).isEqualTo("openai");
        assertThat(model._additionalProperties().get("meridian").convert(Map.class).get("regions"))
                .isEqualTo(List.of("eu-central"));
    }

    @Test
    void aModelNoRegionServesIsNotFoundInOpenAisShape() {
        regions.servers().forEach(region -> region.stubFor(get(urlPathMatching("/v1/models/.+")).willReturn(
                aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"no\",\"type\":\"invalid_request_error\",\"param\":\"model\","
                                + "\"code\":\"model_not_found\"}}"))));

        assertThatThrownBy(() -> openAi("models-key").models().retrieve("gpt-4o-does-not-exist"))
                .isInstanceOfSatisfying(NotFoundException.class, error -> {
                    assertThat(error.code()).contains("model_not_found");
                    assertThat(error.param()).contains("model");
                    assertThat(error.type()).contains("invalid_request_error");
                    assertThat(error.getMessage()).contains("'gpt-4o-does-not-exist'");
                });
    }

    @Test
    void theApiKeyIsCheckedAndTheTenantAndItsModelsPassedOnToEveryRegion() {
        threeRegionsListTheirModels();

        assertThatThrownBy(() -> openAi("not-a-key").models().list())
                .isInstanceOfSatisfying(UnauthorizedException.class, error -> {
                    assertThat(error.code()).contains("invalid_api_key");
                    assertThat(error.param()).contains("Authorization");
                });
        assertThat(regions.totalRequests()).as("requests that reached a region").isZero();

        openAi("qwen-only-key").models().list();

        regions.servers().forEach(region -> region.verify(getRequestedFor(urlEqualTo("/v1/models"))
                .withHeader(MeridianHeaders.TENANT, equalTo("qwen-only"))
                .withHeader(MeridianHeaders.ALLOWED_MODELS, equalTo("qwen3"))
                .withoutHeader(HttpHeaders.AUTHORIZATION)));
        assertThat(ApiKeys.sha256("models-key")).isEqualTo(MODELS_HASH);
        assertThat(ApiKeys.sha256("qwen-only-key")).isEqualTo(QWEN_ONLY_HASH);
    }

    @Test
    void noRegionAnsweringIs503InOpenAisShape() {
        regions.servers().forEach(region -> region.stubFor(get(urlEqualTo("/v1/models"))
                .willReturn(aResponse().withStatus(500))));

        client.get().uri("/v1/models").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer models-key").exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("no_region_available")
                .jsonPath("$.error.type").isEqualTo("server_error")
                .jsonPath("$.error.message").value(message -> assertThat((String) message)
                        .contains("us-east (answered 500)").contains("ap-southeast (answered 500)"));
    }
}
