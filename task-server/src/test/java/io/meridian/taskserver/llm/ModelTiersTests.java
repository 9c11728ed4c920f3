package io.meridian.taskserver.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.meridian.taskserver.testsupport.OllamaWire;
import io.meridian.taskserver.testsupport.OpenAiWire;
import io.meridian.taskserver.testsupport.TestRegion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two model tiers end to end: the simple queue on two Ollama servers (CPU), the complex queue on
 * an OpenAI-compatible server (a GPU's vLLM), each a WireMock server speaking its wire format, and
 * the complex tier falling back to the simple one when its server fails.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        // The region's default backend stays simulated: the tiers name their own.
        "meridian.model.backend=simulated",
        "meridian.model.tiers.simple.backend=ollama",
        "meridian.model.tiers.simple.model=" + ModelTiersTests.SMALL_MODEL,
        "meridian.model.tiers.complex.backend=openai",
        "meridian.model.tiers.complex.model=" + ModelTiersTests.LARGE_MODEL,
        "meridian.model.tiers.complex.api-key=" + ModelTiersTests.API_KEY,
        "meridian.model.tiers.complex.fallback=simple",
        "meridian.model.timeout=30s",
        // One attempt: a failure is final at once, so /process answers it rather than a retry's 202.
        "meridian.queues.simple.max-attempts=1",
        "meridian.queues.complex.max-attempts=1" })
@AutoConfigureWebTestClient
class ModelTiersTests {

    static final String SMALL_MODEL = "qwen3:4b";

    static final String LARGE_MODEL = "Qwen/Qwen3-14B";

    static final String API_KEY = "sk-gpu-key";

    @RegisterExtension
    static final WireMockExtension cpuA = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static final WireMockExtension cpuB = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static final WireMockExtension gpu = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) {
        registry.add("meridian.model.tiers.simple.endpoints", () -> cpuA.baseUrl() + "," + cpuB.baseUrl());
        registry.add("meridian.model.tiers.complex.endpoints", () -> gpu.baseUrl() + "/v1");
    }

    private WebTestClient client;

    @Autowired
    void client(WebTestClient client) {
        this.client = client.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    }

    @Autowired
    private ApplicationContext context;

    @BeforeEach
    void modelServersAnswer() {
        for (WireMockExtension cpu : List.of(cpuA, cpuB)) {
            cpu.stubFor(post(OllamaWire.CHAT_PATH).willReturn(okJson(OllamaWire.chatAnswer(SMALL_MODEL, "Small.", 5, 1))));
        }
        gpu.stubFor(post(OpenAiWire.CHAT_PATH)
                .willReturn(okJson(OpenAiWire.chatCompletion(LARGE_MODEL, "Large.", 9, 1))));
    }

    private WebTestClient.BodyContentSpec process(String kind) {
        return client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"What is the capital of France?\", \"kind\": \"" + kind + "\"}")
                .exchange().expectStatus().isOk().expectBody();
    }

    private int ollamaCalls() {
        return cpuA.findAll(postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))).size()
                + cpuB.findAll(postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))).size();
    }

    @Test
    void simpleTasksReachOllamaAndComplexTasksTheOpenAiServer() {
        int ollamaBefore = ollamaCalls();
        int gpuBefore = gpu.findAll(postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))).size();

        process("simple").jsonPath("$.answer").isEqualTo("Small.")
                .jsonPath("$.model").isEqualTo(SMALL_MODEL)
                .jsonPath("$.backend").isEqualTo("ollama");
        process("complex").jsonPath("$.answer").isEqualTo("Large.")
                .jsonPath("$.model").isEqualTo(LARGE_MODEL)
                .jsonPath("$.backend").isEqualTo("openai");

        assertThat(ollamaCalls() - ollamaBefore).isEqualTo(1);
        assertThat(gpu.findAll(postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))).size() - gpuBefore).isEqualTo(1);
        gpu.verify(postRequestedFor(urlEqualTo(OpenAiWire.CHAT_PATH))
                .withHeader("Authorization", equalTo("Bearer " + API_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(LARGE_MODEL))));
        cpuA.verify(0, postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))
                .withRequestBody(matchingJsonPath("$.model", equalTo(LARGE_MODEL))));
    }

    @Test
    void balancesTheSimpleTierRoundRobinOverItsTwoOllamaServers() {
        int aBefore = cpuA.findAll(postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))).size();
        int bBefore = cpuB.findAll(postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))).size();

        for (int i = 0; i < 4; i++) {
            process("simple").jsonPath("$.backend").isEqualTo("ollama");
        }

        assertThat(cpuA.findAll(postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))).size() - aBefore).isEqualTo(2);
        assertThat(cpuB.findAll(postRequestedFor(urlEqualTo(OllamaWire.CHAT_PATH))).size() - bBefore).isEqualTo(2);
    }

    @Test
    void fallsBackToTheSimpleTierWhenTheGpuServerFailsAndSaysSo() {
        gpu.stubFor(post(OpenAiWire.CHAT_PATH).willReturn(serverError().withBody("{\"error\": \"CUDA out of memory\"}")));

        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": \"complex\", \"messages\": [{\"role\": \"user\", \"content\": \"Prove it.\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.choices[0].message.content").isEqualTo("Small.")
                .jsonPath("$.model").isEqualTo(SMALL_MODEL)
                .jsonPath("$.meridian.queue").isEqualTo("complex")
                .jsonPath("$.meridian.backend").isEqualTo("ollama")
                .jsonPath("$.meridian.degraded").isEqualTo(true)
                .jsonPath("$.meridian.requestedModel").isEqualTo(LARGE_MODEL);

        assertThat(endpointStatus("complex")).containsExactly("down");
        assertThat(endpointStatus("simple")).containsExactly("up", "up");
    }

    @Test
    void readinessReportsEachTiersBackendModelAndEndpoints() {
        HealthIndicator region = context.getBean("regionHealthIndicator", HealthIndicator.class);

        Map<String, Object> details = region.health().getDetails();

        assertThat(details).containsEntry("backend", "ollama").containsEntry("model", SMALL_MODEL);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> tiers = (Map<String, Map<String, Object>>) details.get("tiers");
        assertThat(tiers.get("simple")).containsEntry("backend", "ollama").containsEntry("model", SMALL_MODEL);
        assertThat(tiers.get("complex")).containsEntry("backend", "openai").containsEntry("model", LARGE_MODEL)
                .containsEntry("fallback", "simple");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> simpleEndpoints = (List<Map<String, Object>>) tiers.get("simple").get("endpoints");
        assertThat(simpleEndpoints).extracting(endpoint -> endpoint.get("url")).containsExactly(cpuA.baseUrl(), cpuB.baseUrl());
    }

    @Test
    void listsEachQueuesModelWithItsTiersBackend() {
        client.get().uri("/v1/models").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data[?(@.id == '" + SMALL_MODEL + "')].owned_by").isEqualTo(List.of("ollama"))
                .jsonPath("$.data[?(@.id == '" + LARGE_MODEL + "')].owned_by").isEqualTo(List.of("openai"));
    }

    @SuppressWarnings("unchecked")
    private List<String> endpointStatus(String tier) {
        Map<String, Object> details = (Map<String, Object>) context.getBean(ModelTiers.class).health().get(tier);
        return ((List<Map<String, Object>>) details.get("endpoints")).stream()
                .map(endpoint -> (String) endpoint.get("status")).toList();
    }
}
