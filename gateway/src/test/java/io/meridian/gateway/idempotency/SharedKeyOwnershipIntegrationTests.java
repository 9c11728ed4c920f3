package io.meridian.gateway.idempotency;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.GatewayApplication;
import io.meridian.gateway.routing.WireMockRegions;
import io.meridian.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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

/**
 * Two gateways sharing one Redis agree on which region owns a key: a key sent to eu-central
 * through one gateway is repeated through the other, by a client whom proximity would send to
 * us-east, and reaches eu-central again.
 */
class SharedKeyOwnershipIntegrationTests {

    static final WireMockRegions regions = WireMockRegions.shared();
    static final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

    @BeforeAll
    static void startTwoGateways() {
        String url = TestRedis.url();
        regions.resetToHealthy(); // restarts a region an earlier test class left stopped
        for (int i = 0; i < 2; i++) {
            gateways.add(new SpringApplicationBuilder(GatewayApplication.class).run(arguments(url)));
        }
    }

    @AfterAll
    static void stop() {
        gateways.forEach(ConfigurableApplicationContext::close);
    }

    @BeforeEach
    void resetRegions() {
        regions.resetToHealthy();
    }

    static String[] arguments(String redisUrl) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--meridian.client.trusted-proxies=127.0.0.0/8",
                "--meridian.health.enabled=false",
                "--meridian.redis.url=" + redisUrl,
                // What is under test is the shared owner, not the fallback: a busy machine's Redis
                // round trip must not send a gateway off deciding alone.
                "--meridian.redis.timeout=10s",
                "--meridian.rate-limit.enabled=false",
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
        return args.toArray(String[]::new);
    }

    static WebTestClient.ResponseSpec post(int gateway, String from, String key) {
        int port = ((WebServerApplicationContext) gateways.get(gateway)).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20))
                .build()
                .post().uri("/process").header("X-Forwarded-For", from).header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange();
    }

    static boolean shared(ConfigurableApplicationContext gateway) {
        KeyOwnership ownership = gateway.getBean(KeyOwnership.class);
        ownership.owner(IdempotencyKey.of(null, "warm-up")).blockOptional(Duration.ofSeconds(10));
        return ownership.isShared();
    }

    @Test
    void aKeyClaimedThroughOneGatewayIsSentToTheSameRegionThroughTheOther() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gateways.stream().allMatch(
                SharedKeyOwnershipIntegrationTests::shared));
        String key = "order-" + UUID.randomUUID();

        post(0, "80.133.1.1", key).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "eu-central");
        post(1, "8.8.8.8", key).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "eu-central");

        assertThat(regions.get("eu-central").findAll(postRequestedFor(urlEqualTo("/process")))).hasSize(2);
        assertThat(regions.get("us-east").findAll(postRequestedFor(urlEqualTo("/process")))).isEmpty();
        assertThat(regions.get("ap-southeast").findAll(postRequestedFor(urlEqualTo("/process")))).isEmpty();
    }

    @Test
    void withoutASharedOwnerTheOtherGatewayWouldHaveChosenItsOwnRegion() {
        // The control for the test above: an unkeyed request from the US goes to us-east.
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:"
                        + ((WebServerApplicationContext) gateways.get(1)).getWebServer().getPort()).build()
                .post().uri("/process").header("X-Forwarded-For", "8.8.8.8")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "us-east");
    }
}
