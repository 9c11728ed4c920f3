package io.meridian.taskserver.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TestRegion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Actuator on a port of its own, behind the admin token except health, liveness and readiness. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "management.server.port=0",
        "meridian.admin.token-sha256=" + ActuatorAccessTests.HASH})
class ActuatorAccessTests {

    static final String TOKEN = "actuator-admin-token";
    static final String HASH = "a003c1868501e8c750111469397336e47730bfd7312d6b56239a554ed3ce1160";

    @LocalManagementPort
    int managementPort;

    WebTestClient management() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
    }

    @Test
    void theHashIsTheTokens() throws Exception {
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(HASH);
    }

    @Test
    void probesNeedNoToken() {
        management().get().uri("/actuator/health").exchange().expectStatus().isOk();
        management().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        management().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }

    @Test
    void everythingElseNeedsTheAdminToken() {
        for (String path : new String[] {"/actuator/prometheus", "/actuator/info", "/actuator/metrics", "/actuator"}) {
            management().get().uri(path).exchange().expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.error").isEqualTo("unauthorized").jsonPath("$.field").isEqualTo("Authorization");
            management().get().uri(path).header("Authorization", "Bearer wrong").exchange().expectStatus().isUnauthorized();
        }
        management().get().uri("/actuator/prometheus").header("Authorization", "Bearer " + TOKEN).exchange()
                .expectStatus().isOk();
    }
}
