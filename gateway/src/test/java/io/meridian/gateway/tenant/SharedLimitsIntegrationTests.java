package io.meridian.gateway.tenant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.GatewayApplication;
import io.meridian.gateway.routing.WireMockRegions;
import io.meridian.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two gateways sharing one Redis hold a tenant to its limits together: requests and tokens
 * counted by one are seen by the other. A fresh tenant name per run keeps runs apart in a Redis
 * that outlives them.
 */
class SharedLimitsIntegrationTests {

    static final WireMockRegions regions = WireMockRegions.shared();
    static final String TENANT = "shared-" + UUID.randomUUID().toString().substring(0, 8);
    static final String KEY = "shared-limits-key";
    static final String READER_KEY = "shared-limits-reader-key";
    static final String BURST_KEY = "shared-limits-burst-key";
    static final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

    @BeforeAll
    static void startTwoGateways() {
        for (int i = 0; i < 2; i++) {
            gateways.add(new SpringApplicationBuilder(GatewayApplication.class).run(arguments()));
        }
    }

    @AfterAll
    static void stop() {
        gateways.forEach(ConfigurableApplicationContext::close);
    }

    static String[] arguments() {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--meridian.client.trusted-proxies=127.0.0.0/8",
                "--meridian.health.enabled=false",
                "--meridian.auth.anonymous=false",
                "--meridian.redis.url=" + TestRedis.url(),
                // what is under test is the shared count, not the local fallback: a busy machine's
                // Redis round trip must not send a gateway off counting alone
                "--meridian.redis.timeout=10s",
                "--meridian.auth.reservation.default-tokens=10",
                "--meridian.rate-limit.enabled=false",
                "--meridian.failover.bulkhead.max-concurrent=1000",
                "--meridian.auth.tenants[0].id=" + TENANT,
                "--meridian.auth.tenants[0].keys-sha256[0]=" + ApiKeys.sha256(KEY),
                "--meridian.auth.tenants[0].limits.tokens-per-day=100",
                // A tenant of its own for reading tasks, whatever the other test spent.
                "--meridian.auth.tenants[1].id=" + TENANT + "-reader",
                "--meridian.auth.tenants[1].keys-sha256[0]=" + ApiKeys.sha256(READER_KEY),
                "--meridian.auth.tenants[1].limits.tokens-per-day=1000",
                "--meridian.auth.tenants[2].id=" + TENANT + "-burst",
                "--meridian.auth.tenants[2].keys-sha256[0]=" + ApiKeys.sha256(BURST_KEY),
                "--meridian.auth.tenants[2].limits.tokens-per-day=100",
                "--meridian.default-region=us-east"));
        String[][] known = {{"us-east", "40.7", "-74.0", "us"}, {"eu-central", "50.1", "8.7", "eu"}, {"ap-southeast", "1.35", "103.8", "apac"}};
        for (int i = 0; i < known.length; i++) {
            args.add("--meridian.regions[" + i + "].id=" + known[i][0]);
            args.add("--meridian.regions[" + i + "].latitude=" + known[i][1]);
            args.add("--meridian.regions[" + i + "].longitude=" + known[i][2]);
            args.add("--meridian.regions[" + i + "].zone=" + known[i][3]);
            args.add("--meridian.regions[" + i + "].endpoints[0]=http://127.0.0.1:" + regions.get(known[i][0]).port());
        }
        return args.toArray(String[]::new);
    }

    WebTestClient.ResponseSpec process(int gateway) {
        int port = ((WebServerApplicationContext) gateways.get(gateway)).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build()
                .post().uri("/process").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange();
    }

    @Test
    void tokensSpentThroughOneGatewayCountAtTheOther() {
        regions.servers().forEach(server -> server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("X-Meridian-Usage", "prompt=30, completion=30")
                .withBody("{\"answer\":\"ok\"}"))));

        // Redis is joined lazily: the first requests may still be counted locally, so wait until shared.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> gateways.stream()
                .allMatch(context -> context.getBean(UsageLedger.class) instanceof RedisUsageLedger ledger
                        && triggerAndCheck(ledger)));

        process(0).expectStatus().isOk();   // 60 of 100 used, counted in Redis
        process(1).expectStatus().isOk();   // the other gateway sees 60 < 100: admitted; 120 used
        process(0).expectStatus().isEqualTo(429).expectBody().jsonPath("$.field").isEqualTo("tokens_per_day");
        process(1).expectStatus().isEqualTo(429).expectBody().jsonPath("$.field").isEqualTo("tokens_per_day");
    }

    @Test
    void sixtyFourConcurrentRequestsThroughTwoGatewaysAreServedNoMoreThanTheBudget() {
        regions.servers().forEach(server -> server.stubFor(any(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/burst"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(300).withHeader("Content-Type", "application/json")
                        .withHeader("X-Meridian-Usage", "prompt=4, completion=6").withBody("{\"answer\":\"ok\"}"))));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> gateways.stream()
                .allMatch(context -> context.getBean(UsageLedger.class) instanceof RedisUsageLedger ledger
                        && triggerAndCheck(ledger)));
        List<org.springframework.web.reactive.function.client.WebClient> clients = new ArrayList<>();
        for (ConfigurableApplicationContext gateway : gateways) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            reactor.netty.resources.ConnectionProvider connections = reactor.netty.resources.ConnectionProvider
                    .builder("burst-" + port).maxConnections(64).pendingAcquireMaxCount(-1).build();
            clients.add(org.springframework.web.reactive.function.client.WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                    .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
                            reactor.netty.http.client.HttpClient.create(connections))).build());
        }

        List<Integer> statuses = reactor.core.publisher.Flux.range(0, 64)
                .flatMap(i -> clients.get(i % 2).post().uri("/v1/burst").header("X-Forwarded-For", "8.8.8.8")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + BURST_KEY).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"query\":\"hi\"}")
                        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())), 64)
                .collectList().block(java.time.Duration.ofSeconds(120));

        long served = statuses.stream().filter(status -> status == 200).count();
        assertThat(served * 10).isLessThanOrEqualTo(100);
        assertThat(statuses).filteredOn(status -> status != 200).allSatisfy(status -> assertThat(status).isEqualTo(429));
    }

    @Test
    void aTaskReadThroughBothGatewaysCountsOnce() {
        String task = "us-east.01JD3X9K2M" + TENANT.substring(TENANT.length() - 8).toUpperCase().replaceAll("[^A-Z0-9]", "0");
        regions.get("us-east").stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/v1/tasks/" + task)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withHeader("X-Meridian-Usage", "prompt=1, completion=1").withBody("{\"status\":\"succeeded\"}")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> gateways.stream()
                .allMatch(context -> context.getBean(UsageLedger.class) instanceof RedisUsageLedger ledger
                        && triggerAndCheck(ledger)));
        for (int i = 0; i < 4; i++) {
            int port = ((WebServerApplicationContext) gateways.get(i % 2)).getWebServer().getPort();
            WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build().get().uri("/v1/tasks/" + task)
                    .header("X-Forwarded-For", "8.8.8.8").header(HttpHeaders.AUTHORIZATION, "Bearer " + READER_KEY)
                    .exchange().expectStatus().isOk();
        }
        try (var client = io.lettuce.core.RedisClient.create(TestRedis.url()); var connection = client.connect()) {
            assertThat(connection.sync().exists(RedisUsageLedger.KEY_PREFIX + "counted:task:" + task)).isEqualTo(1L);
        }
    }

    /** Asks the ledger to connect (an admission of a throw-away tenant) and says whether it has. */
    static boolean triggerAndCheck(RedisUsageLedger ledger) {
        ledger.reserve("warm-up-" + TENANT, new TenantProperties.Limits(null, null, null, null),
                new TenantProperties.Limits(null, null, null, null), 0).block();
        return ledger.isShared();
    }

    @Test
    void theKeyNeverReachesRedis() throws Exception {
        triggerAndCheck((RedisUsageLedger) gateways.getFirst().getBean(UsageLedger.class));
        try (var client = io.lettuce.core.RedisClient.create(TestRedis.url()); var connection = client.connect()) {
            List<String> keys = connection.sync().keys("meridian:usage:*");
            assertThat(keys).noneMatch(key -> key.contains(KEY) || key.contains(ApiKeys.sha256(KEY)));
        }
    }
}
