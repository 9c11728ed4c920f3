package io.meridian.gateway.failover;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.gateway.tenant.Tenant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;

/**
 * With no tenants configured (the default: anyone may call, no limits, and no tenant filter runs)
 * every forwarded request still names its tenant, {@value Tenant#ANONYMOUS_ID}, and a client's own
 * {@value Tenant#HEADER} never reaches a region: regions scope tasks by it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false"})
class AnonymousTenantHeaderIntegrationTests extends RegionsIntegrationTest {

    @Test
    void everyForwardedRequestIsTheAnonymousTenantsWhateverTheClientClaims() {
        client.post().uri("/process").header("X-Forwarded-For", "8.8.8.8").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"hi\"}").exchange().expectStatus().isOk();
        client.get().uri("/v1/tasks/us-east.01JDQ3W5ZK8Y4T6V0A7M2N9PQR").header("X-Forwarded-For", "8.8.8.8")
                .header(Tenant.HEADER, "acme").exchange().expectStatus().isOk();
        client.post().uri("/v1/tasks").header("X-Forwarded-For", "8.8.8.8").header(Tenant.HEADER, "acme")
                .header(Tenant.HEADER.toLowerCase(), "globex")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isOk();

        var received = regions.servers().stream().flatMap(server -> server.findAll(anyRequestedFor(anyUrl())).stream())
                .filter(request -> !request.getUrl().startsWith("/actuator")).toList();
        assertThat(received).hasSize(3).allSatisfy(request -> {
            assertThat(request.header(Tenant.HEADER).values()).containsExactly(Tenant.ANONYMOUS_ID);
        });
        regions.servers().forEach(server -> server.verify(0, anyRequestedFor(anyUrl())
                .withHeader(Tenant.HEADER, equalTo("acme"))));
    }
}
