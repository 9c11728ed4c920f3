package io.meridian.gateway.ollama;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.gateway.tenant.ApiKeys;
import io.meridian.gateway.tenant.TenantProperties;
import io.meridian.gateway.tenant.UsageLedger;
import io.meridian.protocol.OllamaErrors;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ollama's API through the gateway: Spring AI's Ollama client (which Meridian does not own) chats
 * with the gateway as its base URL, streamed (NDJSON) and plain, routed, keyed and failed over like
 * a chat completion; a stream is metered from its done line; the gateway's own errors on Ollama's
 * paths take Ollama's shape; {@code /api/version} the gateway answers, {@code /api/tags} from the
 * regions, merged ({@code TagsIntegrationTests}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.auth.anonymous=false",
        "meridian.auth.tenants[0].id=ollama",
        "meridian.auth.tenants[0].keys-sha256[0]=" + OllamaApiIntegrationTests.OLLAMA_HASH,
        "meridian.auth.tenants[1].id=budget",
        "meridian.auth.tenants[1].keys-sha256[0]=" + OllamaApiIntegrationTests.BUDGET_HASH,
        "meridian.auth.tenants[1].limits.tokens-per-day=30",
        "meridian.auth.tenants[2].id=generate",
        "meridian.auth.tenants[2].keys-sha256[0]=" + OllamaApiIntegrationTests.GENERATE_HASH,
        "meridian.auth.tenants[2].limits.tokens-per-day=100"})
class OllamaApiIntegrationTests extends RegionsIntegrationTest {

    static final String OLLAMA_HASH = "dc5798b04600156d6755c7c4e5c4ae3b2e71bd5f683e37cc97e948ad060f8b9a";
    static final String BUDGET_HASH = "ca84bf10f218fbc0871f76dd11094d13bbf7eb3d7f38bbc105efb2720b3d87a0";
    static final String GENERATE_HASH = "6734c6a9d2d87b0b37eae86f98b47a03f77af30d1d89a886f52c279a6084cd47";

    @Autowired
    private ApplicationContext context;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A region's streamed answer, as a task server writes it: pieces, then the done line with its counts. */
    private static final String STREAM = """
            {"model":"qwen3","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":false}
            {"model":"qwen3","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"Rayleigh "},"done":false}
            {"model":"qwen3","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"scattering."},"done":false}
            {"model":"qwen3","created_at":"2026-01-01T00:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":1000000,"load_duration":0,"prompt_eval_count":10,"prompt_eval_duration":0,"eval_count":15,"eval_duration":900000}
            """;

    private static final String PLAIN = """
            {"model":"qwen3","created_at":"2026-01-01T00:00:01Z","message":{"role":"assistant","content":"Rayleigh scattering."},"done":true,"done_reason":"stop","total_duration":1000000,"load_duration":0,"prompt_eval_count":10,"prompt_eval_duration":0,"eval_count":15,"eval_duration":900000}
            """;

    private void regionsAnswerOllama() {
        regions.servers().forEach(region -> {
            // Ollama streams unless told not to.
            region.stubFor(post(urlEqualTo("/api/chat")).withRequestBody(notContaining("\"stream\":false"))
                    .willReturn(aResponse().withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_NDJSON_VALUE)
                            .withBody(STREAM)));
            region.stubFor(post(urlEqualTo("/api/chat")).withRequestBody(containing("\"stream\":false"))
                    .willReturn(aResponse().withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                            .withHeader("X-Meridian-Usage", "prompt=10, completion=15").withBody(PLAIN)));
        });
    }

    private OllamaChatModel chatModel(String apiKey) {
        OllamaApi api = OllamaApi.builder().baseUrl("http://127.0.0.1:" + port)
                .restClientBuilder(RestClient.builder().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
                        .defaultHeader("X-Forwarded-For", "8.8.8.8"))
                .webClientBuilder(WebClient.builder().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
                        .defaultHeader("X-Forwarded-For", "8.8.8.8"))
                .build();
        return OllamaChatModel.builder().ollamaApi(api).options(OllamaChatOptions.builder().model("qwen3").build())
                .build();
    }

    private static String ollamaError(byte[] body) {
        JsonNode error = JSON.readTree(body);
        assertThat(error.propertyNames()).containsExactly("error");
        return error.path("error").stringValue();
    }

    @Test
    void theHashesAreThoseOfTheTestKeys() {
        assertThat(ApiKeys.sha256("ollama-key")).isEqualTo(OLLAMA_HASH);
        assertThat(ApiKeys.sha256("budget-key")).isEqualTo(BUDGET_HASH);
        assertThat(ApiKeys.sha256("generate-key")).isEqualTo(GENERATE_HASH);
    }

    @Test
    void springAisOllamaClientChatsThroughTheGatewayStreamedAndPlain() {
        regionsAnswerOllama();
        OllamaChatModel model = chatModel("ollama-key");

        ChatResponse plain = model.call(new Prompt("Why is the sky blue?"));
        List<ChatResponse> streamed = model.stream(new Prompt("Why is the sky blue?")).collectList()
                .block(Duration.ofSeconds(20));

        assertThat(plain.getResult().getOutput().getText()).isEqualTo("Rayleigh scattering.");
        assertThat(plain.getMetadata().getUsage().getTotalTokens()).isEqualTo(25);
        assertThat(streamed).isNotNull();
        assertThat(streamed.stream().map(response -> response.getResult() == null ? ""
                : String.valueOf(response.getResult().getOutput().getText())).reduce("", String::concat))
                .isEqualTo("Rayleigh scattering.");
        assertThat(regions.servers().stream().mapToInt(region -> region.findAll(postRequestedFor(urlEqualTo("/api/chat"))
                .withHeader("X-Meridian-Tenant", equalTo("ollama"))).size()).sum()).isEqualTo(2);
    }

    @Test
    void failsOverToTheNextNearestRegionWhenTheNearestIsDown() {
        regionsAnswerOllama();
        regions.get("us-east").stop();

        client.post().uri("/api/chat").header(HttpHeaders.AUTHORIZATION, "Bearer ollama-key")
                .header("X-Forwarded-For", "8.8.8.8").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"qwen3\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-Meridian-Failovers", "1")
                .expectHeader().value("X-Meridian-Region", served -> assertThat(served).isNotEqualTo("us-east"))
                .expectBody().jsonPath("$.message.content").isEqualTo("Rayleigh scattering.");
    }

    @Test
    void aStreamIsChargedItsDoneLinesCountsAgainstTheTenantsBudget() {
        regionsAnswerOllama();
        String body = "{\"model\":\"qwen3\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"options\":{\"num_predict\":5}}";

        // WireMock gzips an NDJSON body for a client that accepts it (a task server compresses nothing).
        List<String> lines = client.post().uri("/api/chat").header(HttpHeaders.AUTHORIZATION, "Bearer budget-key")
                .header("X-Forwarded-For", "8.8.8.8").header(HttpHeaders.ACCEPT_ENCODING, "identity").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody().collectList().block(Duration.ofSeconds(20));
        assertThat(lines).isNotNull();
        assertThat(String.join("\n", lines)).contains("\"done\":true");
        // The relay settles the reservation as the done line passes, which may be just after the client has it.
        UsageLedger ledger = context.getBean(UsageLedger.class);
        TenantProperties.Limits none = new TenantProperties.Limits(null, null, null, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> Objects.requireNonNull(ledger.reserve("budget", none, none, 0)
                .block()).usage().tokensToday() >= 25);

        // 25 of the 30 tokens are spent (its three chunks would have been 2): 5 more do not fit.
        byte[] refused = client.post().uri("/api/chat").header(HttpHeaders.AUTHORIZATION, "Bearer budget-key")
                .header("X-Forwarded-For", "8.8.8.8").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body.replace("5", "6")).exchange()
                .expectStatus().isEqualTo(429)
                .expectBody().returnResult().getResponseBody();
        assertThat(ollamaError(refused)).contains("limit_exceeded");
    }

    @Test
    void aGenerateStreamCutBeforeItsDoneLineIsChargedTheResponsePiecesItCarried() {
        // /api/generate carries its pieces in "response", not "content": three of them, then the stream ends.
        String cut = """
                {"model":"qwen3","created_at":"2026-01-01T00:00:00Z","response":"Rayleigh ","done":false}
                {"model":"qwen3","created_at":"2026-01-01T00:00:00Z","response":"scattering ","done":false}
                {"model":"qwen3","created_at":"2026-01-01T00:00:00Z","response":"again.","done":false}
                """;
        regions.servers().forEach(region -> region.stubFor(post(urlEqualTo("/api/generate")).willReturn(aResponse()
                .withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_NDJSON_VALUE).withBody(cut))));

        List<String> lines = client.post().uri("/api/generate").header(HttpHeaders.AUTHORIZATION, "Bearer generate-key")
                .header("X-Forwarded-For", "8.8.8.8").header(HttpHeaders.ACCEPT_ENCODING, "identity")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"qwen3\",\"prompt\":\"Hi\",\"options\":{\"num_predict\":50}}").exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody().collectList().block(Duration.ofSeconds(20));
        assertThat(String.join("\n", Objects.requireNonNull(lines))).contains("again.");

        // Charged its three pieces, not nothing: a client cannot read an answer and leave before the done line for free.
        UsageLedger ledger = context.getBean(UsageLedger.class);
        TenantProperties.Limits none = new TenantProperties.Limits(null, null, null, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> Objects.requireNonNull(ledger.reserve("generate", none, none, 0)
                .block()).usage().tokensToday() == 3);
    }

    @Test
    void theGatewaysOwnErrorsOnOllamasPathsTakeOllamasShape() {
        byte[] unauthorized = client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"qwen3\",\"messages\":[]}").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().returnResult().getResponseBody();
        assertThat(ollamaError(unauthorized)).endsWith("(missing_api_key, field Authorization)");

        regions.servers().forEach(region -> region.stubFor(post(urlEqualTo("/api/generate"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))));
        byte[] failed = client.post().uri("/api/generate").header(HttpHeaders.AUTHORIZATION, "Bearer ollama-key")
                .header("X-Forwarded-For", "8.8.8.8").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"qwen3\",\"prompt\":\"Hi\",\"stream\":false}").exchange()
                .expectStatus().isEqualTo(502)
                .expectBody().returnResult().getResponseBody();
        assertThat(ollamaError(failed)).contains("region_failed");

        byte[] unknown = client.post().uri("/api/pull").header(HttpHeaders.AUTHORIZATION, "Bearer ollama-key")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"model\":\"qwen3\"}").exchange()
                .expectStatus().isNotFound()
                .expectBody().returnResult().getResponseBody();
        assertThat(ollamaError(unknown)).contains("not_found");
        // Only the generate reached a region (one: a chat a region may have queued is not sent again).
        assertThat(regions.totalRequests()).as("requests that reached a region").isEqualTo(1);
    }

    @Test
    void answersTheVersionItselfAndTheTagsFromTheRegions() {
        regions.servers().forEach(region -> region.stubFor(get(urlEqualTo("/api/tags"))
                .willReturn(aResponse().withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                        .withBody("{\"models\":[{\"name\":\"qwen3\",\"model\":\"qwen3\",\"modified_at\":"
                                + "\"2026-01-01T00:00:00Z\",\"size\":0,\"digest\":\"ab\",\"details\":{}}]}"))));

        client.get().uri("/api/version").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.version").isEqualTo(OllamaErrors.API_VERSION);
        assertThat(regions.totalRequests()).as("requests that reached a region").isZero();

        OllamaApi api = OllamaApi.builder().baseUrl("http://127.0.0.1:" + port)
                .restClientBuilder(RestClient.builder().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer ollama-key")
                        .defaultHeader("X-Forwarded-For", "8.8.8.8"))
                .build();
        assertThat(api.listModels().models()).extracting(OllamaApi.Model::name).containsExactly("qwen3");
    }
}
