package io.meridian.taskserver.health;

import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.RegionHeaderFilter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The actuator endpoints a load balancer, Kubernetes and an operator read. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestRegion.PROPERTY)
@AutoConfigureWebTestClient
class HealthEndpointTests {

    @Autowired
    private WebTestClient client;

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
