package io.meridian.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.GatewayApplication;
import io.meridian.gateway.redis.SharedRedisHealthIndicator;
import io.meridian.gateway.tenant.ApiKeys;
import io.meridian.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two gateways on one Redis share what an operator and the dashboard see: a region drained through
 * one is drained on both, and both dashboards count the requests of both. Without Redis a drain is
 * refused rather than held by one gateway alone ({@code SharedRedisReadinessIntegrationTests}).
 */
class SharedGatewayStateIntegrationTests {

    static final String ADMIN_TOKEN = "shared-state-admin";
    static final String GERMAN_CLIENT = "80.133.1.1";
    static final WireMockRegions regions = WireMockRegions.shared();
    static final List<ConfigurableApplicationContext> gateways = new ArrayList<>();
    static final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void startTwoGateways() {
        regions.resetToHealthy();
        for (int i = 0; i < 2; i++) {
            gateways.add(start(TestRedis.url(), true));
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> gateways.stream().allMatch(gateway ->
                Boolean.TRUE.equals(gateway.getBean(SharedRedisHealthIndicator.class).health().getDetails().get("shared"))));
    }

    @AfterAll
    static void stop() {
        gateways.forEach(ConfigurableApplicationContext::close);
    }

    @BeforeEach
    void healthyRegions() {
        regions.resetToHealthy();
    }

    @Test
    void aRegionDrainedThroughOneGatewayIsDrainedOnEvery() {
        assertThat(regionServing(1)).isEqualTo("eu-central");

        control(0, "drain").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.drained").isEqualTo(true).jsonPath("$.shared").isEqualTo(true);

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(regionServing(1)).as("a German client through the other gateway").isNotEqualTo("eu-central"));
        assertThat(gateways.get(1).getBean(RegionDrains.class).isDrained("eu-central")).isTrue();

        control(1, "undrain").exchange().expectStatus().isOk().expectBody().jsonPath("$.drained").isEqualTo(false);

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(regionServing(0)).isEqualTo("eu-central"));
    }

    @Test
    void bothDashboardsCountTheRequestsOfBothGateways() {
        long before = germans(0);
        for (int i = 0; i < 3; i++) {
            process(0, GERMAN_CLIENT).expectStatus().isOk();
        }
        for (int i = 0; i < 4; i++) {
            process(1, GERMAN_CLIENT).expectStatus().isOk();
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(germans(0)).isEqualTo(before + 7);
            assertThat(germans(1)).isEqualTo(before + 7);
        });
        assertThat(dashboard(0).path("shared").booleanValue()).isTrue();
    }

    private static String regionServing(int gateway) {
        return process(gateway, GERMAN_CLIENT).expectStatus().isOk().returnResult(String.class).getResponseHeaders()
                .getFirst("X-Meridian-Region");
    }

    private static long germans(int gateway) {
        for (JsonNode country : dashboard(gateway).path("countries")) {
            if (country.path("code").asString().equals("DE")) {
                return country.path("requests").asLong();
            }
        }
        return 0;
    }

    private static JsonNode dashboard(int gateway) {
        return json.readTree(client(gateways.get(gateway)).get().uri("/dashboard/api/state").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
    }

    private static WebTestClient.ResponseSpec process(int gateway, String from) {
        return client(gateways.get(gateway)).post().uri("/process").header("X-Forwarded-For", from)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange();
    }

    private static WebTestClient.RequestHeadersSpec<?> control(int gateway, String action) {
        return client(gateways.get(gateway)).post().uri("/dashboard/api/regions/eu-central/" + action)
                .header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    private static WebTestClient client(ConfigurableApplicationContext gateway) {
        int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20))
                .build();
    }

    private static ConfigurableApplicationContext start(String redisUrl, boolean requiredForReadiness) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=",
                "--meridian.client.trusted-proxies=127.0.0.0/8",
                "--meridian.redis.url=" + redisUrl,
                "--meridian.redis.timeout=10s",
                "--meridian.redis.required-for-readiness=" + requiredForReadiness,
                "--meridian.rate-limit.enabled=false",
                "--meridian.dashboard.poll-interval=200ms",
                "--meridian.admin.token-sha256=" + ApiKeys.sha256(ADMIN_TOKEN),
                "--meridian.default-region=us-east"));
        String[][] known = {{"us-east", "40.7128", "-74.0060", "us"}, {"eu-central", "50.1109", "8.6821", "eu"},
                {"ap-southeast", "1.3521", "103.8198", "apac"}};
        for (int i = 0; i < known.length; i++) {
            args.add("--meridian.regions[" + i + "].id=" + known[i][0]);
            args.add("--meridian.regions[" + i + "].latitude=" + known[i][1]);
            args.add("--meridian.regions[" + i + "].longitude=" + known[i][2]);
            args.add("--meridian.regions[" + i + "].zone=" + known[i][3]);
            args.add("--meridian.regions[" + i + "].endpoints[0]=http://127.0.0.1:" + regions.get(known[i][0]).port());
        }
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }
}
