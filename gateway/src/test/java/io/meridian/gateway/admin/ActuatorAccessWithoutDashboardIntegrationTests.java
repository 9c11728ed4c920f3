package io.meridian.gateway.admin;

import io.meridian.boot.AdminCredential;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Actuator stays behind the admin token when the dashboard is off: the token guards actuator
 * because it is configured, not because the dashboard that also checks it is served.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "meridian.health.enabled=false",
        "meridian.dashboard.enabled=false",
        AdminCredential.PROPERTY + "=" + ActuatorAccessWithoutDashboardIntegrationTests.HASH})
class ActuatorAccessWithoutDashboardIntegrationTests extends RegionsIntegrationTest {

    /** SHA-256 of {@value #TOKEN}. */
    static final String HASH = "a003c1868501e8c750111469397336e47730bfd7312d6b56239a554ed3ce1160";
    static final String TOKEN = "actuator-admin-token";

    @LocalManagementPort
    int managementPort;

    @Test
    void withTheDashboardOffActuatorStillNeedsTheTokenAndAnswersInTheGatewaysErrorShape() {
        WebTestClient management = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();

        management.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer realm=\"meridian-admin\"")
                .expectHeader().valueEquals("Cache-Control", "no-store")
                .expectBody()
                .jsonPath("$.error").isEqualTo("unauthorized")
                .jsonPath("$.message").isEqualTo("an admin bearer token is required (Authorization: Bearer <token>)")
                .jsonPath("$.field").isEqualTo("Authorization")
                .jsonPath("$.status").isEqualTo(401);
        management.get().uri("/actuator/prometheus").header("Authorization", "Bearer " + TOKEN).exchange()
                .expectStatus().isOk();
        management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        client.get().uri("/dashboard").exchange().expectStatus().isNotFound();
    }
}
