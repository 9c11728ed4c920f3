package io.meridian.gateway.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** One region with three replicas: sessions stick to a replica, other requests spread out. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.geoip.reload-interval=0s",
        "meridian.health.enabled=false",
        "meridian.rate-limit.enabled=false"})
class ReplicaAffinityIntegrationTests {

    static final List<WireMockServer> replicas = new ArrayList<>();

    static {
        for (int i = 0; i < 3; i++) {
            WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
            server.start();
            String name = "replica-" + i;
            server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody("{\"replica\":\"" + name + "\"}")));
            replicas.add(server);
        }
    }

    @DynamicPropertySource
    static void regions(DynamicPropertyRegistry registry) {
        registry.add("meridian.regions[0].id", () -> "eu-central");
        registry.add("meridian.regions[0].latitude", () -> "50.1");
        registry.add("meridian.regions[0].longitude", () -> "8.7");
        registry.add("meridian.regions[0].zone", () -> "eu");
        for (int i = 0; i < replicas.size(); i++) {
            int port = replicas.get(i).port();
            registry.add("meridian.regions[0].endpoints[" + i + "]", () -> "http://127.0.0.1:" + port);
        }
    }

    @AfterAll
    static void stop() {
        replicas.forEach(WireMockServer::stop);
    }

    @LocalServerPort
    int port;

    String replicaFor(String session) {
        WebTestClient.RequestBodySpec request = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build()
                .post().uri("/process").contentType(MediaType.APPLICATION_JSON);
        if (session != null) {
            request = request.header("X-Session-Id", session);
        }
        String body = request.bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return body.replaceAll(".*\"replica\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void aSessionKeepsReachingTheSameReplica() {
        for (String session : List.of("alice", "bob", "carol", "dave")) {
            String first = replicaFor(session);
            for (int i = 0; i < 5; i++) {
                assertThat(replicaFor(session)).as(session).isEqualTo(first);
            }
        }
    }

    @Test
    void requestsWithoutASessionReachEveryReplica() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 60 && seen.size() < 3; i++) {
            seen.add(replicaFor(null));
        }

        assertThat(seen).containsExactlyInAnyOrder("replica-0", "replica-1", "replica-2");
    }
}
