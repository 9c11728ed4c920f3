package io.meridian.gateway.tenant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.meridian.boot.AdminCredential;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Priced tokens through a running gateway, against WireMock regions that
 * report usage as task servers do: spend is counted per tenant, key and deployment, a spend cap
 * holds under a burst, and {@code GET /v1/usage} shows a tenant its own figures and the admin every
 * tenant's. qwen3 costs 1000 a million prompt tokens and 2000 a million completion tokens (1000 and
 * 2000 micro-units a token), so an answer of prompt=4, completion=6 costs 0.016 and a reservation of
 * 30 tokens (max_tokens 10 and the prompt's bound, 20) holds 0.06. The ledger here is the gateway's memory; the shared one's promises, spend
 * caps under concurrency included, are {@link RedisUsageLedgerTests}' against a real Redis (an
 * in-process gateway on Redis trips BlockHound in Lettuce's command dispatch under a burst).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.rate-limit.enabled=false",
        "meridian.failover.bulkhead.max-concurrent=1000",
        "meridian.auth.anonymous=false",
        "meridian.auth.reservation.default-tokens=10",
        "meridian.pricing.currency=EUR",
        "meridian.pricing.models.qwen3.input-per-million=1000",
        "meridian.pricing.models.qwen3.output-per-million=2000"})
class SpendIntegrationTests extends RegionsIntegrationTest {

    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    static final String CAPPED = "capped-" + RUN;
    static final String READER = "reader-" + RUN;
    static final String OTHER = "other-" + RUN;
    static final String CHAT = "{\"model\":\"qwen3\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @DynamicPropertySource
    static void tenants(DynamicPropertyRegistry registry) {
        registry.add("meridian.admin.token-sha256", () -> AdminCredential.hash("admin-token"));
        registry.add("meridian.auth.tenants[0].id", () -> CAPPED);
        registry.add("meridian.auth.tenants[0].keys-sha256[0]", () -> ApiKeys.sha256("capped-key"));
        registry.add("meridian.auth.tenants[0].limits.spend-per-day", () -> "0.2");
        registry.add("meridian.auth.tenants[1].id", () -> READER);
        registry.add("meridian.auth.tenants[1].keys-sha256[0]", () -> ApiKeys.sha256("reader-key-1"));
        registry.add("meridian.auth.tenants[1].keys-sha256[1]", () -> ApiKeys.sha256("reader-key-2"));
        registry.add("meridian.auth.tenants[2].id", () -> OTHER);
        registry.add("meridian.auth.tenants[2].keys-sha256[0]", () -> ApiKeys.sha256("other-key"));
    }

    @Autowired
    MeterRegistry meters;

    final JsonMapper json = JsonMapper.builder().build();

    record Answer(int status, String body) {
    }

    void regionsAnswerChats(int delayMillis) {
        for (WireMockServer server : regions.servers()) {
            server.stubFor(any(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                    .withFixedDelay(delayMillis).withHeader("Content-Type", "application/json")
                    .withHeader("X-Meridian-Usage", "prompt=4, completion=6")
                    .withBody("{\"object\":\"chat.completion\",\"model\":\"qwen3\"}")));
        }
    }

    List<Answer> burst(int requests, String key) {
        ConnectionProvider connections = ConnectionProvider.builder("spend").maxConnections(256)
                .pendingAcquireMaxCount(-1).build();
        WebClient web = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections))).build();
        return Flux.range(0, requests)
                .flatMap(i -> web.post().uri("/v1/chat/completions").header("X-Forwarded-For", "8.8.8.8")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(CHAT)
                        .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                                .map(text -> new Answer(response.statusCode().value(), text))), requests)
                .collectList().block(Duration.ofSeconds(120));
    }

    JsonNode usage(String uri, String authorization) {
        byte[] body = client.get().uri(uri).header(HttpHeaders.AUTHORIZATION, authorization).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return json.readTree(body);
    }

    static JsonNode tenant(JsonNode usage, String id) {
        for (JsonNode tenant : usage.get("tenants")) {
            if (tenant.get("tenant").stringValue().equals(id)) {
                return tenant;
            }
        }
        throw new AssertionError("no tenant " + id + " in " + usage);
    }

    int chatsReceived() {
        return regions.servers().stream()
                .mapToInt(server -> server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).size()).sum();
    }

    @Test
    void concurrentRequestsNeverSpendPastTheCapBeyondWhatTheirReservationsAllow() {
        regionsAnswerChats(300);

        List<Answer> answers = burst(64, "capped-key");

        long served = answers.stream().filter(answer -> answer.status() == 200).count();
        // Each holds 0.06 of the 0.2 a day (30 tokens: max_tokens 10 and the prompt's bound 20) and
        // spends 0.016 of it: three fit at once, and at most 12 (0.192) are ever served; a 13th would pass the cap.
        assertThat(served).isBetween(1L, 12L);
        assertThat(chatsReceived()).isEqualTo((int) served);
        assertThat(answers).filteredOn(answer -> answer.status() != 200).isNotEmpty()
                .allSatisfy(answer -> assertThat(answer.status()).isEqualTo(429))
                .allSatisfy(answer -> assertThat(answer.body()).contains("\"param\":\"spend_per_day\"")
                        .contains("EUR per day").contains("at most 0.060000 EUR"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> usage("/v1/usage", "Bearer capped-key")
                .get("tenants").get(0).get("spend").get("day").decimalValue()
                .compareTo(new java.math.BigDecimal("0.016").multiply(java.math.BigDecimal.valueOf(served))) == 0);
        assertThat(usage("/v1/usage", "Bearer capped-key").get("tenants").get(0).get("spend").get("day").decimalValue())
                .isLessThanOrEqualTo(new java.math.BigDecimal("0.2"));
        assertThat(meters.get(TenantMetrics.SPEND).tag("tenant", CAPPED).tag("model", "qwen3").tag("currency", "EUR")
                .counter().count()).isCloseTo(0.016 * served, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(meters.get(TenantMetrics.REFUSED).tag("tenant", CAPPED).tag("limit", "spend_per_day").counter().count())
                .isEqualTo(64 - served);
    }

    @Test
    void aTenantSeesItsOwnTokensAndSpendPerKey() {
        regionsAnswerChats(0);
        client.post().uri("/v1/chat/completions").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer reader-key-1").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT).exchange().expectStatus().isOk();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tenant(usage("/v1/usage", "Bearer reader-key-2"), READER)
                .get("tokens").get("day").longValue() == 10);
        JsonNode usage = usage("/v1/usage", "Bearer reader-key-2");

        assertThat(usage.get("currency").stringValue()).isEqualTo("EUR");
        assertThat(usage.get("tenants")).hasSize(1);
        assertThat(usage.has("deployment")).isFalse();
        JsonNode reader = tenant(usage, READER);
        assertThat(reader.get("spend").get("day").decimalValue()).isEqualByComparingTo("0.016");
        assertThat(reader.get("spend").get("month").decimalValue()).isEqualByComparingTo("0.016");
        assertThat(reader.get("keys")).hasSize(2);
        JsonNode first = reader.get("keys").get(0);
        assertThat(first.get("key").stringValue()).isEqualTo(ApiKeys.id(ApiKeys.sha256("reader-key-1")));
        assertThat(first.get("spend").get("day").decimalValue()).isEqualByComparingTo("0.016");
        assertThat(first.get("tokens").get("day").longValue()).isEqualTo(10);
        assertThat(reader.get("keys").get(1).get("spend").get("day").decimalValue()).isEqualByComparingTo("0");
        assertThat(usage.toString()).doesNotContain("reader-key").doesNotContain(ApiKeys.sha256("reader-key-1"));
    }

    @Test
    void theAdminSeesEveryTenantAndTheDeployment() {
        JsonNode usage = usage("/v1/usage?tenant=all", "Bearer admin-token");

        assertThat(usage.get("tenants").valueStream().map(tenant -> tenant.get("tenant").stringValue()))
                .containsExactly(CAPPED, READER, OTHER);
        assertThat(tenant(usage, CAPPED).get("limits").get("spend_per_day").decimalValue()).isEqualByComparingTo("0.2");
        assertThat(usage.get("deployment").get("spend").has("day")).isTrue();
        assertThat(usage.get("shared").booleanValue()).isFalse();   // no Redis here: this gateway's memory

        JsonNode one = usage("/v1/usage?tenant=" + OTHER, "Bearer admin-token");
        assertThat(one.get("tenants")).hasSize(1);
        assertThat(tenant(one, OTHER).get("keys")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/usage", "/v1//usage", "/v1/%75sage", "/v1/./usage", "/v1/x/../usage", "/v1/usage/"})
    void theGatewayAnswersEverySpellingOfThePathItselfNeverARegion(String path) {
        client.get().uri(java.net.URI.create("http://127.0.0.1:" + port + path))
                .header(HttpHeaders.AUTHORIZATION, "Bearer other-key").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.object").isEqualTo("usage").jsonPath("$.tenants[0].tenant").isEqualTo(OTHER);
        client.get().uri(java.net.URI.create("http://127.0.0.1:" + port + path)).exchange()
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.error").isEqualTo("missing_api_key");

        regions.servers().forEach(server -> assertThat(server.findAll(anyRequestedFor(urlPathMatching(".*usage.*")))).isEmpty());
    }

    @Test
    void refusalsAreJsonNamingTheField() {
        client.get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer nope").exchange()
                .expectStatus().isUnauthorized().expectHeader().exists(HttpHeaders.WWW_AUTHENTICATE)
                .expectBody().jsonPath("$.error").isEqualTo("invalid_api_key").jsonPath("$.field").isEqualTo("Authorization");
        client.get().uri("/v1/usage?tenant=" + READER).header(HttpHeaders.AUTHORIZATION, "Bearer other-key").exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("forbidden").jsonPath("$.field").isEqualTo("tenant");
        client.get().uri("/v1/usage?tenant=all").header(HttpHeaders.AUTHORIZATION, "Bearer other-key").exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.field").isEqualTo("tenant");
        client.get().uri("/v1/usage?tenant=nobody").header(HttpHeaders.AUTHORIZATION, "Bearer admin-token").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_request").jsonPath("$.field").isEqualTo("tenant")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains("'nobody'"));
        client.get().uri("/v1/usage?tenant=a&tenant=b").header(HttpHeaders.AUTHORIZATION, "Bearer admin-token").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("tenant");
        client.get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer other-key", "Bearer reader-key-1").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_header");
        client.post().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer other-key").exchange()
                .expectStatus().isEqualTo(405).expectBody().jsonPath("$.error").isEqualTo("method_not_allowed");
    }
}
