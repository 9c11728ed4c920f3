package io.meridian.gateway.tenant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.WindowClock;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * API keys and budgets at the gateway, against WireMock regions that report token usage the way
 * task servers do. The keys of this test and their SHA-256 hashes (only the hashes are configured):
 * {@code acme-key-1}, {@code acme-retired-key} (revoked), {@code eu-only-key}, {@code chatty-key},
 * {@code budget-key}, {@code streamer-key}, {@code midstream-key}, {@code async-key}. Each test that spends uses a tenant of its own: the
 * counters live as long as the application context.
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(WindowClock.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.auth.anonymous=false",
        "meridian.auth.reservation.default-tokens=5",
        "meridian.auth.tenants[0].id=acme",
        "meridian.auth.tenants[0].keys-sha256[0]=" + TenantIntegrationTests.ACME_HASH,
        "meridian.auth.tenants[0].revoked-keys-sha256[0]=" + TenantIntegrationTests.RETIRED_HASH,
        "meridian.auth.tenants[1].id=eu-only",
        "meridian.auth.tenants[1].keys-sha256[0]=" + TenantIntegrationTests.EU_HASH,
        "meridian.auth.tenants[1].zone=eu",
        "meridian.auth.tenants[1].models[0]=qwen3",
        "meridian.auth.tenants[1].models[1]=qwen3:14b",
        "meridian.auth.tenants[2].id=chatty",
        "meridian.auth.tenants[2].keys-sha256[0]=" + TenantIntegrationTests.CHATTY_HASH,
        "meridian.auth.tenants[2].limits.requests-per-minute=2",
        "meridian.auth.tenants[3].id=budget",
        "meridian.auth.tenants[3].keys-sha256[0]=" + TenantIntegrationTests.BUDGET_HASH,
        "meridian.auth.tenants[3].limits.tokens-per-day=100",
        "meridian.auth.tenants[4].id=streamer",
        "meridian.auth.tenants[4].keys-sha256[0]=" + TenantIntegrationTests.STREAMER_HASH,
        "meridian.auth.tenants[4].limits.tokens-per-day=40",
        "meridian.auth.tenants[5].id=midstream",
        "meridian.auth.tenants[5].keys-sha256[0]=" + TenantIntegrationTests.MIDSTREAM_HASH,
        "meridian.auth.tenants[5].limits.tokens-per-day=30",
        "meridian.auth.tenants[6].id=async",
        "meridian.auth.tenants[6].keys-sha256[0]=" + TenantIntegrationTests.ASYNC_HASH,
        "meridian.auth.tenants[6].limits.tokens-per-day=100",
        "meridian.auth.tenants[7].id=capped",
        "meridian.auth.tenants[7].keys-sha256[0]=" + TenantIntegrationTests.CAPPED_HASH,
        "meridian.auth.tenants[7].limits.tokens-per-day=100000"})
class TenantIntegrationTests extends RegionsIntegrationTest {

    static final String ACME_HASH = "904fc520be4ca9db80d0ffcc6bf7e01b4148e33d45bb6b422ad2e607815fb508";
    static final String RETIRED_HASH = "787a164814ea93fdb801fec49c7f15a4a0a3426057edead7486ffc17de0246c1";
    static final String EU_HASH = "1e2e638fcac20f384def446a5191997c682a5d4005ef187d549ce6e3e8cc41b5";
    static final String CHATTY_HASH = "6af15c339dca0e3481023c57064526b45da5d7073ebeba9ccb9006b6c9f72d87";
    static final String BUDGET_HASH = "ca84bf10f218fbc0871f76dd11094d13bbf7eb3d7f38bbc105efb2720b3d87a0";
    static final String ASYNC_HASH = "2673e508f4500cd81016dc73dd7c1638af8f881f0ffc3419fc406a330d1aae5e";
    static final String MIDSTREAM_HASH = "ffa923f0f1ebade9504b1e389fa3e7dc4ab489e9fce2726a35c8e178443f16d9";
    static final String CAPPED_HASH = "ab2c905d85cdd432930468fb5c95a31eb95b3142cf345007019d990f8b2fa14a";
    static final String STREAMER_HASH = "302825b5e733e4f683200d0e9d56a1a26c259e4ecbddd9697c927ed5b9bc274e";

    /** Waits until the region's reported usage has been settled (a settle is not waited for by its request). */
    void awaitRefusedOrUsed(String key, long tokens) {
        UsageLedger ledger = context.getBean(UsageLedger.class);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> ledger.reserve(
                key.replace("-key", ""), new TenantProperties.Limits(null, null, null, null),
                new TenantProperties.Limits(null, null, null, null), 0).block().usage().tokensToday() >= tokens);
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.context.ApplicationContext context;

    WebTestClient.ResponseSpec process(@org.jspecify.annotations.Nullable String authorization) {
        WebTestClient.RequestBodySpec request = client.post().uri("/process").header("X-Forwarded-For", "8.8.8.8")
                .contentType(MediaType.APPLICATION_JSON);
        if (authorization != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return request.bodyValue("{\"query\":\"a secret prompt about zebras\"}").exchange();
    }

    void regionsReport(String usage) {
        regions.servers().forEach(server -> server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("X-Meridian-Usage", usage)
                .withBody("{\"answer\":\"ok\"}"))));
    }

    @Test
    void theHashesAreThoseOfTheTestKeys() {
        assertThat(ApiKeys.sha256("acme-key-1")).isEqualTo(ACME_HASH);
        assertThat(ApiKeys.sha256("acme-retired-key")).isEqualTo(RETIRED_HASH);
        assertThat(ApiKeys.sha256("eu-only-key")).isEqualTo(EU_HASH);
        assertThat(ApiKeys.sha256("chatty-key")).isEqualTo(CHATTY_HASH);
        assertThat(ApiKeys.sha256("budget-key")).isEqualTo(BUDGET_HASH);
        assertThat(ApiKeys.sha256("streamer-key")).isEqualTo(STREAMER_HASH);
        assertThat(ApiKeys.sha256("midstream-key")).isEqualTo(MIDSTREAM_HASH);
        assertThat(ApiKeys.sha256("async-key")).isEqualTo(ASYNC_HASH);
        assertThat(ApiKeys.sha256("capped-key")).isEqualTo(CAPPED_HASH);
    }

    @Test
    void aRequestCarryingMoreThanOneCredentialIsRefusedWhicheverComesFirst() {
        for (String[] pair : new String[][] {{"Bearer nope", "Bearer acme-key-1"}, {"Bearer acme-key-1", "Bearer nope"},
                {"Bearer acme-key-1", "Bearer acme-key-1"}}) {
            client.post().uri("/process").header("X-Forwarded-For", "8.8.8.8").header(HttpHeaders.AUTHORIZATION, pair)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("invalid_header").jsonPath("$.field").isEqualTo("Authorization");
        }
        client.post().uri("/process").header("X-Forwarded-For", "8.8.8.8").header(HttpHeaders.AUTHORIZATION, "Bearer acme-key-1")
                .header(ApiKeys.HEADER, "eu-only-key").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}")
                .exchange()
                .expectStatus().isBadRequest();
        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void aRequestWithoutAKeyIsRefusedWhenAnonymousAccessIsOff() {
        process(null).expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"meridian\"")
                .expectBody().jsonPath("$.error").isEqualTo("missing_api_key").jsonPath("$.field").isEqualTo("Authorization");
        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void aWrongKeyAndARevokedKeyAreRefusedAndSaidApart(CapturedOutput output) {
        process("Bearer not-a-key").expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_api_key");
        process("Bearer acme-retired-key").expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("revoked_api_key")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains("acme"));
        assertThat(regions.totalRequests()).isZero();
        assertThat(output.getAll()).doesNotContain("not-a-key").doesNotContain("acme-retired-key");
    }

    @Test
    void aValidKeyReachesTheRegionAsItsTenantWithoutTheKey(CapturedOutput output) {
        process("Bearer acme-key-1").expectStatus().isOk();
        client.post().uri("/process").header("X-Forwarded-For", "8.8.8.8").header(ApiKeys.HEADER, "acme-key-1")
                .header(Tenant.HEADER, "someone-else")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isOk();

        regions.get("us-east").verify(2, postRequestedFor(urlEqualTo("/process"))
                .withHeader(Tenant.HEADER, equalTo("acme"))
                .withoutHeader(HttpHeaders.AUTHORIZATION)
                .withoutHeader(ApiKeys.HEADER));
        assertThat(output.getAll()).doesNotContain("acme-key-1").doesNotContain("zebras");
    }

    @Test
    void aTenantOverItsDailyTokensIsRefusedUntilTheDayEnds() {
        regionsReport("prompt=25, completion=25");

        // The query reserves 42: the prompt's bound (29 bytes and 8 for the template) and the answer's default (5).
        process("Bearer budget-key").expectStatus().isOk();   // 42 reserved, 50 used
        awaitRefusedOrUsed("budget-key", 50);
        process("Bearer budget-key").expectStatus().isOk();   // 50 + 42 reserved fit in 100: admitted; 100 used
        process("Bearer budget-key").expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody()
                .jsonPath("$.error").isEqualTo("limit_exceeded")
                .jsonPath("$.field").isEqualTo("tokens_per_day")
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("tenant 'budget' used or holds 100 of its 100 tokens per day, and this request reserves 42").contains("resets at ").contains("T00:00:00Z"));
        assertThat(regions.totalRequests()).isEqualTo(2);
    }

    @Test
    void aTenantOverItsRequestsPerMinuteIsRefused() {
        process("Bearer chatty-key").expectStatus().isOk();
        process("Bearer chatty-key").expectStatus().isOk();
        process("Bearer chatty-key").expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.field").isEqualTo("requests_per_minute");
    }

    @Test
    void aTenantBoundToAZoneIsServedThereAndTheRegionLearnsItsModels() {
        // A client in the US, but the tenant's data stays in the EU.
        process("Bearer eu-only-key").expectStatus().isOk()
                .expectHeader().valueEquals("X-Meridian-Region", "eu-central");

        regions.get("eu-central").verify(postRequestedFor(urlEqualTo("/process"))
                .withHeader(Tenant.HEADER, equalTo("eu-only"))
                .withHeader(Tenant.MODELS_HEADER, equalTo("qwen3,qwen3:14b")));
    }

    @Test
    void theRegionIsToldToHoldTheAnswerToWhatWasReservedWhateverTheClientWrites() {
        regionsReport("prompt=1, completion=1");

        client.post().uri("/v1/chat/completions").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer capped-key").header(Tenant.MAX_TOKENS_HEADER, "5000")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"max_tokens\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isOk();
        process("Bearer capped-key").expectStatus().isOk();

        regions.get("us-east").verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader(Tenant.MAX_TOKENS_HEADER, equalTo("7")));
        regions.get("us-east").verify(postRequestedFor(urlEqualTo("/process"))
                .withHeader(Tenant.HEADER, equalTo("capped"))
                .withHeader(Tenant.MAX_TOKENS_HEADER, equalTo("5"))); // meridian.auth.reservation.default-tokens
    }

    @Test
    void aStreamedAnswerIsCountedFromItsClosingUsageComment() {
        regions.servers().forEach(server -> server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                        + ": meridian-usage prompt=20 completion=25\n\ndata: [DONE]\n\n"))));

        client.post().uri("/v1/chat/completions").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer streamer-key").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"qwen3\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).value(body -> assertThat(body).contains("[DONE]"));

        process("Bearer streamer-key").expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.field").isEqualTo("tokens_per_day");
    }

    @Test
    void aStreamThatWouldCrossTheBudgetIsCutOffThereWithAnErrorEvent() {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            events.append("data: {\"choices\":[{\"delta\":{\"content\":\"w").append(i).append(" \"}}]}\n\n");
        }
        events.append(": meridian-usage prompt=5 completion=60\n\ndata: [DONE]\n\n");
        regions.servers().forEach(server -> server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withChunkedDribbleDelay(60, 300)
                .withBody(events.toString()))));

        String body = client.post().uri("/v1/chat/completions").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer midstream-key").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"qwen3\",\"stream\":true,\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        // It reserved 30 of the tenant's 30 (max_tokens 10 and the prompt's bound 20): the stream is cut there.
        assertThat(body).contains("\"content\":\"w29 \"").doesNotContain("\"content\":\"w30 \"").doesNotContain("[DONE]")
                .contains("event: error").contains("\"code\":\"limit_exceeded\"").contains("\"param\":\"tokens_per_day\"")
                .contains("\"type\":\"insufficient_quota\"");
        process("Bearer midstream-key").expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.field").isEqualTo("tokens_per_day");
    }

    @Test
    void anAsynchronousTasksTokensCountOnceHoweverOftenItIsRead() {
        String first = "us-east.01JD3X9K2M0000000000000001";
        String second = "us-east.01JD3X9K2M0000000000000002";
        regions.get("us-east").stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/v1/tasks/" + first)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withHeader("X-Meridian-Usage", "prompt=20, completion=15").withBody("{\"status\":\"succeeded\"}")));
        regions.get("us-east").stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/v1/tasks/" + second)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withHeader("X-Meridian-Usage", "prompt=30, completion=30").withBody("{\"status\":\"succeeded\"}")));

        for (int i = 0; i < 3; i++) {
            client.get().uri("/v1/tasks/" + first).header("X-Forwarded-For", "8.8.8.8")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer async-key").exchange().expectStatus().isOk();
        }
        // 35 of 100 counted, once: a /process reserving 42 still fits; after 60 more, it no longer does.
        process("Bearer async-key").expectStatus().isOk();

        client.get().uri("/v1/tasks/" + second).header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer async-key").exchange().expectStatus().isOk();
        process("Bearer async-key").expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.field").isEqualTo("tokens_per_day");
    }
}
