package io.meridian.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.GatewayApplication;
import io.meridian.testing.TestRedis;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A gateway with a shared Redis is not ready until Redis has answered once: a replica that took
 * traffic while counting alone would let a burst past the limits the gateways share. While Redis
 * is away, a drain is refused rather than held by one gateway alone, and the dashboard says its
 * counts are this gateway's.
 */
class SharedRedisReadinessIntegrationTests {

    static final String ADMIN_TOKEN = "readiness-admin";
    static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    @Test
    void aGatewayWhoseRedisHasNeverAnsweredIsNotReadyAndSaysWhy() throws IOException {
        try (ConfigurableApplicationContext gateway = start("redis://127.0.0.1:" + closedPort(), true)) {
            client(gateway).get().uri("/readyz").exchange()
                    .expectStatus().isEqualTo(503)
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("OUT_OF_SERVICE");
            assertThat(gateway.getBean(SharedRedisHealthIndicator.class).health().getDetails())
                    .containsEntry("shared", false)
                    .extractingByKey("reason").asString().contains("meridian.redis.url");
            // It is alive all the same: restarting it would not bring Redis back.
            client(gateway).get().uri("/livez").exchange().expectStatus().isOk();
        }
    }

    @Test
    void aGatewayToldNotToWaitForRedisIsReadyAndCountsAlone() throws IOException {
        try (ConfigurableApplicationContext gateway = start("redis://127.0.0.1:" + closedPort(), false)) {
            client(gateway).get().uri("/readyz").exchange().expectStatus().isOk();
        }
    }

    @Test
    void aGatewayBecomesReadyOnceRedisAnswersAndAllItsFeaturesShareOneConnection() {
        try (ConfigurableApplicationContext gateway = start(TestRedis.url(), true)) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    client(gateway).get().uri("/readyz").exchange().expectStatus().isOk());
            assertThat(gateway.getBeansOfType(SharedRedis.class)).hasSize(1);
            assertThat(gateway.getBean(SharedRedisHealthIndicator.class).health().getDetails())
                    .containsEntry("shared", true);
        }
    }

    @Test
    void withoutASharedRedisTheGatewayIsReadyAndSaysStateIsNotShared() {
        try (ConfigurableApplicationContext gateway = start("", true)) {
            client(gateway).get().uri("/readyz").exchange().expectStatus().isOk();
            assertThat(gateway.getBeansOfType(SharedRedis.class)).isEmpty();
            assertThat(gateway.getBean(SharedRedisHealthIndicator.class).health().getDetails())
                    .containsEntry("shared", "off");
        }
    }

    @Test
    void withoutRedisADrainIsRefusedAndNothingChanges() throws IOException {
        try (ConfigurableApplicationContext alone = start("redis://127.0.0.1:" + closedPort(), false)) {
            client(alone).post().uri("/dashboard/api/regions/us-east/drain")
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).exchange()
                    .expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.error").isEqualTo("drain_not_shared").jsonPath("$.field").isEqualTo("region");
            assertThat(alone.getBean(io.meridian.gateway.routing.RegionDrains.class).isDrained("us-east")).isFalse();
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    JSON.readTree(client(alone).get().uri("/dashboard/api/state").exchange().expectStatus().isOk()
                            .expectBody(String.class).returnResult().getResponseBody()).path("at").asLong()).isPositive());
            assertThat(JSON.readTree(client(alone).get().uri("/dashboard/api/state").exchange()
                    .expectBody(String.class).returnResult().getResponseBody()).path("shared").booleanValue())
                    .as("counts of this gateway alone").isFalse();
        }
    }

    private static ConfigurableApplicationContext start(String redisUrl, boolean requiredForReadiness) {
        List<String> args = List.of(
                "--server.port=0",
                "--management.server.port=",
                "--meridian.health.enabled=false",
                "--meridian.redis.url=" + redisUrl,
                "--meridian.redis.required-for-readiness=" + requiredForReadiness,
                "--meridian.admin.token-sha256=" + io.meridian.gateway.tenant.ApiKeys.sha256(ADMIN_TOKEN),
                "--meridian.dashboard.poll-interval=200ms",
                "--meridian.auth.anonymous=false",
                "--meridian.auth.tenants[0].id=alice",
                "--meridian.auth.tenants[0].keys-sha256[0]=" + "0".repeat(64),
                "--meridian.regions[0].id=us-east",
                "--meridian.regions[0].latitude=40.7",
                "--meridian.regions[0].longitude=-74.0",
                "--meridian.regions[0].zone=us",
                "--meridian.regions[0].endpoints[0]=http://127.0.0.1:1",
                "--meridian.default-region=us-east");
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    private static WebTestClient client(ConfigurableApplicationContext gateway) {
        int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20))
                .build();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }
}
