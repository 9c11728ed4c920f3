package io.meridian.gateway.models;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.gateway.tenant.ApiKeys;
import io.meridian.protocol.MeridianHeaders;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ollama's {@code GET /api/tags} at the gateway against three WireMock regions that list their
 * models as task servers do: one list merged by name across regions in Ollama's shape, naming the
 * regions that serve each, read by Spring AI's Ollama client; a region too slow to answer left out
 * and named, as on {@code /v1/models}; {@code 503} in Ollama's error shape when none answers; the
 * API key checked and the tenant passed on.
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
class TagsIntegrationTests extends RegionsIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String QWEN3_DIGEST = "a".repeat(64);

    private static String tag(String name, String modifiedAt, String digest, String region, String queue) {
        return "{\"name\":\"" + name + "\",\"model\":\"" + name + "\",\"modified_at\":\"" + modifiedAt
                + "\",\"size\":0,\"digest\":\"" + digest + "\",\"details\":{\"parent_model\":\"\",\"format\":\"\","
                + "\"family\":\"\",\"families\":[],\"parameter_size\":\"\",\"quantization_level\":\"\"},"
                + "\"meridian\":{\"region\":\"" + region + "\",\"kind\":\"model\",\"queue\":\"" + queue
                + "\",\"model\":\"" + name + "\",\"backend\":\"ollama\"}}";
    }

    private static void lists(WireMockServer region, String... tags) {
        region.stubFor(get(urlEqualTo("/api/tags")).willReturn(aResponse().withStatus(200)
                .withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .withBody("{\"models\":[" + String.join(",", tags) + "]}")));
    }

    private void threeRegionsListTheirTags() {
        lists(regions.get("us-east"), tag("qwen3", "2026-01-02T00:00:00Z", QWEN3_DIGEST, "us-east", "simple"));
        lists(regions.get("eu-central"), tag("qwen3", "2026-01-01T00:00:00Z", QWEN3_DIGEST, "eu-central", "simple"),
                tag("qwen3:14b", "2026-01-01T00:00:00Z", "b".repeat(64), "eu-central", "complex"));
        lists(regions.get("ap-southeast"), tag("simulated", "2026-01-03T00:00:00Z", "c".repeat(64), "ap-southeast",
                "simple"));
    }

    private JsonNode tags(String apiKey) {
        return JSON.readTree(client.get().uri("/api/tags")
                .header("X-Forwarded-For", "8.8.8.8") // a client in the US: us-east is nearest
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
                .exchange().expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(String.class).returnResult().getResponseBody());
    }

    private static List<String> names(JsonNode tags) {
        return tags.path("models").valueStream().map(model -> model.path("name").stringValue()).toList();
    }

    @Test
    void listsEveryRegionsTagsMergedByNameInOllamasShapeNamingTheRegionsThatServeEach() {
        threeRegionsListTheirTags();

        JsonNode tags = tags("models-key");

        assertThat(names(tags)).containsExactly("qwen3", "qwen3:14b", "simulated");
        JsonNode qwen = tags.path("models").get(0);
        assertThat(qwen.path("model").stringValue()).isEqualTo("qwen3");
        assertThat(qwen.path("modified_at").stringValue()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(qwen.path("size").isIntegralNumber()).isTrue();
        assertThat(qwen.path("digest").stringValue()).isEqualTo(QWEN3_DIGEST);
        assertThat(qwen.path("details").path("families").isArray()).isTrue();
        assertThat(qwen.path("meridian").path("regions").valueStream().map(JsonNode::stringValue))
                .containsExactly("us-east", "eu-central");
        assertThat(qwen.path("meridian").path("served").valueStream().map(served -> served.path("queue").stringValue()))
                .containsExactly("simple", "simple");
        assertThat(tags.path("models").get(2).path("meridian").path("regions").valueStream().map(JsonNode::stringValue))
                .containsExactly("ap-southeast");
        assertThat(tags.path("meridian").path("regions").valueStream().map(JsonNode::stringValue))
                .containsExactly("us-east", "eu-central", "ap-southeast");
        assertThat(tags.path("meridian").path("unavailable").isEmpty()).isTrue();
        assertThat(tags.has("object")).as("OpenAI's list member, not Ollama's").isFalse();
    }

    @Test
    void springAisOllamaClientListsEveryRegionsModelsThroughTheGateway() {
        threeRegionsListTheirTags();
        OllamaApi api = OllamaApi.builder().baseUrl("http://127.0.0.1:" + port)
                .restClientBuilder(RestClient.builder().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer models-key")
                        .defaultHeader("X-Forwarded-For", "8.8.8.8"))
                .build();

        List<OllamaApi.Model> models = api.listModels().models();

        assertThat(models).extracting(OllamaApi.Model::name).containsExactly("qwen3", "qwen3:14b", "simulated");
        assertThat(models.getFirst().digest()).isEqualTo(QWEN3_DIGEST);
        assertThat(models.getFirst().modifiedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void aRegionTooSlowToAnswerIsLeftOutAndNamed() {
        threeRegionsListTheirTags();
        regions.get("ap-southeast").stubFor(get(urlEqualTo("/api/tags")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(5000).withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .withBody("{\"models\":[]}")));

        JsonNode tags = tags("models-key");

        assertThat(names(tags)).containsExactly("qwen3", "qwen3:14b");
        assertThat(tags.path("meridian").path("regions").valueStream().map(JsonNode::stringValue))
                .containsExactly("us-east", "eu-central");
        assertThat(tags.path("meridian").path("unavailable").get(0).path("region").stringValue()).isEqualTo("ap-southeast");
        assertThat(tags.path("meridian").path("unavailable").get(0).path("reason").stringValue()).isEqualTo("timeout");
    }

    @Test
    void aRegionAnsweringSomethingThatIsNotATagsListIsLeftOutAndNamed() {
        threeRegionsListTheirTags();
        // OpenAI's list shape where Ollama's belongs: no "models" member.
        regions.get("eu-central").stubFor(get(urlEqualTo("/api/tags")).willReturn(aResponse().withStatus(200)
                .withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .withBody("{\"object\":\"list\",\"data\":[]}")));

        JsonNode tags = tags("models-key");

        assertThat(names(tags)).containsExactly("qwen3", "simulated");
        assertThat(tags.path("meridian").path("unavailable").get(0).path("region").stringValue()).isEqualTo("eu-central");
        assertThat(tags.path("meridian").path("unavailable").get(0).path("reason").stringValue())
                .isEqualTo("answered something that is not a list");
    }

    @Test
    void noRegionAnsweringIs503InOllamasErrorShape() {
        regions.servers().forEach(region -> region.stubFor(get(urlEqualTo("/api/tags"))
                .willReturn(aResponse().withStatus(500))));

        JsonNode error = JSON.readTree(client.get().uri("/api/tags").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer models-key").exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody(String.class).returnResult().getResponseBody());

        assertThat(error.propertyNames()).containsExactly("error");
        assertThat(error.path("error").stringValue()).contains("no region answered /api/tags")
                .contains("us-east (answered 500)").contains("ap-southeast (answered 500)");
    }

    @Test
    void theApiKeyIsCheckedAndTheTenantAndItsModelsPassedOnToEveryRegion() {
        threeRegionsListTheirTags();

        client.get().uri("/api/tags").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer not-a-key").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isNotEmpty();
        assertThat(regions.totalRequests()).as("requests that reached a region").isZero();

        tags("qwen-only-key");

        regions.servers().forEach(region -> region.verify(getRequestedFor(urlEqualTo("/api/tags"))
                .withHeader(MeridianHeaders.TENANT, equalTo("qwen-only"))
                .withHeader(MeridianHeaders.ALLOWED_MODELS, equalTo("qwen3"))
                .withoutHeader(HttpHeaders.AUTHORIZATION)));
        assertThat(ApiKeys.sha256("qwen-only-key")).isEqualTo(ModelsIntegrationTests.QWEN_ONLY_HASH);
    }
}
