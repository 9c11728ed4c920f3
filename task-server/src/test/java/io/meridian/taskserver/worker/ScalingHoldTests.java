package io.meridian.taskserver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.protocol.MeridianHeaders;
import io.meridian.taskserver.testsupport.TestRegion;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The spend ceiling's hold as a region sees it: a request carrying {@code X-Meridian-Scaling: hold}
 * holds the pools (gauge {@code meridian.scaling.hold}) and {@code /actuator/scaling}, behind the
 * admin token, tells KEDA to add no replica; another value holds nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "management.server.port=0",
        "meridian.admin.token-sha256=" + ScalingHoldTests.HASH})
class ScalingHoldTests {

    static final String TOKEN = "actuator-admin-token";
    static final String HASH = "a003c1868501e8c750111469397336e47730bfd7312d6b56239a554ed3ce1160";

    @LocalManagementPort
    int managementPort;

    @LocalServerPort
    int port;

    @Autowired
    ScalingHold hold;

    @Autowired
    MeterRegistry meters;

    WebTestClient management() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
    }

    void process(String scaling) {
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build().post().uri("/process")
                .header(MeridianHeaders.SCALING, scaling).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"hello\"}").exchange().expectStatus().isOk();
    }

    @Test
    void aRequestCarryingTheHoldHoldsThePoolsAndTellsTheAutoscalerToAddNoReplica() {
        management().get().uri("/actuator/scaling").exchange().expectStatus().isUnauthorized();
        process("no");
        assertThat(hold.held()).isFalse();
        management().get().uri("/actuator/scaling").header("Authorization", "Bearer " + TOKEN).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.hold").isEqualTo(false)
                .jsonPath("$.maxReplicas").isEqualTo(ScalingEndpoint.UNBOUNDED);

        process(MeridianHeaders.SCALING_HOLD);

        assertThat(hold.held()).isTrue();
        assertThat(meters.get("meridian.scaling.hold").gauge().value()).isEqualTo(1.0);
        management().get().uri("/actuator/scaling").header("Authorization", "Bearer " + TOKEN).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.hold").isEqualTo(true)
                .jsonPath("$.replicas").isEqualTo(1)
                .jsonPath("$.maxReplicas").isEqualTo(1);
    }
}
