package io.meridian.taskserver.health;

import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.RegionHeaderFilter;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The actuator endpoints a load balancer, Kubernetes and an operator read. They are asked over
 * connections of this class's own, as a probe opens them: the shared client's pool may hand the
 * first request a kept-alive connection that another test class of the same cached context left
 * in an unknown state (in two CI runs on a loaded machine, the first request here got no answer
 * within 30 s while the class's other requests were answered at once).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestRegion.PROPERTY)
class HealthEndpointTests {

    @LocalServerPort
    private int port;

    private WebTestClient client;

    @BeforeEach
    void ownConnections() {
        client = WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
                .baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void healthNamesRegionBackendAndModel() {
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(RegionHeaderFilter.HEADER, TestRegion.ID)
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.region.status").isEqualTo("UP")
                .jsonPath("$.components.region.details.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.components.region.details.backend").isEqualTo("simulated")
                .jsonPath("$.components.region.details.model").isEqualTo("simulated");
    }

    @Test
    void readinessGroupIncludesTheRegion() {
        client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.readinessState.status").isEqualTo("UP")
                .jsonPath("$.components.region.details.region").isEqualTo(TestRegion.ID);
    }

    @Test
    void readinessReportsLoadCapacityAndVersionsForTheGateway() {
        client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.region.details.inFlight").isEqualTo(0)
                .jsonPath("$.components.region.details.capacity").isEqualTo(256)
                .jsonPath("$.components.region.details.queueDepth").isEqualTo(0)
                .jsonPath("$.components.region.details.protocolVersion").isEqualTo("1.0")
                .jsonPath("$.components.region.details.version").isNotEmpty();
    }

    @Test
    void readinessWithItsRegionDetailsIsAlsoOnTheMainPortAtReadyz() {
        client.get().uri("/readyz").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.region.details.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.components.region.details.protocolVersion").isEqualTo("1.0");
        client.get().uri("/livez").exchange().expectStatus().isOk();
    }

    @Test
    void livenessGroupIsUp() {
        client.get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.livenessState.status").isEqualTo("UP");
    }

    @Test
    void infoShowsTheBuild() {
        client.get().uri("/actuator/info").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.build.artifact").isEqualTo("meridian-task-server")
                .jsonPath("$.build.version").isNotEmpty();
    }
}
