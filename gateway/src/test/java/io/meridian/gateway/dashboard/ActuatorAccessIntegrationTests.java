package io.meridian.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.boot.AdminCredential;
import io.meridian.gateway.routing.RawHttp;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The gateway's actuator on a port of its own, behind the admin token except health and its groups. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "meridian.health.enabled=false",
        AdminCredential.PROPERTY + "=" + ActuatorAccessIntegrationTests.HASH})
class ActuatorAccessIntegrationTests extends RegionsIntegrationTest {

    /** SHA-256 of {@value #TOKEN}. */
    static final String HASH = "a003c1868501e8c750111469397336e47730bfd7312d6b56239a554ed3ce1160";
    static final String TOKEN = "actuator-admin-token";

    @LocalManagementPort
    int managementPort;

    WebTestClient management() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
    }

    @Test
    void theHashIsTheTokens() {
        assertThat(AdminCredential.hash(TOKEN)).isEqualTo(HASH);
    }

    @Test
    void theManagementPortGuardsItsConnectionsAsTheServerPortDoes() throws Exception {
        // A folded header line is refused by the listener guard (ListenerSettings), which a port of
        // the management context only has when it is given the server port's customizers.
        String folded = "GET /actuator/health/liveness HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\nConnection: close\r\n\r\n";

        assertThat(RawHttp.exchange(managementPort, folded)).startsWith("HTTP/1.1 400").contains("malformed_request");
        assertThat(RawHttp.exchange(port, folded)).startsWith("HTTP/1.1 400").contains("malformed_request");
        assertThat(RawHttp.exchange(managementPort, folded.replace("\r\n c", ""))).startsWith("HTTP/1.1 200");
    }

    @Test
    void probesNeedNoTokenAndEverythingElseDoes() {
        management().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        management().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        for (String path : new String[] {"/actuator/prometheus", "/actuator/info", "/actuator/metrics", "/actuator"}) {
            management().get().uri(path).exchange().expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.error").isEqualTo("unauthorized").jsonPath("$.field").isEqualTo("Authorization");
        }
        management().get().uri("/actuator/prometheus").header("Authorization", "Bearer " + TOKEN).exchange()
                .expectStatus().isOk();
        // A second copy is refused whichever carries the token.
        management().get().uri("/actuator/prometheus").header("Authorization", "Bearer " + TOKEN, "Bearer guess")
                .exchange().expectStatus().isUnauthorized().expectBody().jsonPath("$.field").isEqualTo("Authorization");
        // The main port answers the probes' other paths and serves no actuator at all.
        client.get().uri("/readyz").exchange().expectStatus().isOk();
        client.get().uri("/actuator/prometheus").header("Authorization", "Bearer " + TOKEN).exchange().expectStatus().isNotFound();
    }
}
