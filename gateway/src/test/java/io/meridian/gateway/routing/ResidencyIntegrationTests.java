package io.meridian.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Residency rules against WireMock regions: confined requests stay in their zone, even failing. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.1",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.enabled=false",
        "meridian.residency.countries.eu=DE,FR"})
class ResidencyIntegrationTests extends RegionsIntegrationTest {

    WebTestClient.ResponseSpec process(String ip, String zone) {
        WebTestClient.RequestBodySpec spec = client.post().uri("/process")
                .header("X-Forwarded-For", ip)
                .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
                .contentType(MediaType.APPLICATION_JSON);
        if (zone != null) {
            spec = spec.header("X-Meridian-Residency", zone);
        }
        return spec.bodyValue("{\"query\":\"hi\"}").exchange();
    }

    @Test
    void aClientMayConfineItsRequestToAFarAwayZone() {
        process("8.8.8.8", "eu").expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "eu-central");
        process("165.21.1.1", "us").expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "us-east");
    }

    @Test
    void clientsInARuledCountryAreNeverServedOutsideTheirZone() {
        regions.get("eu-central").stop();
        try {
            process("80.133.1.1", null)
                    .expectStatus().isEqualTo(503)
                    .expectHeader().exists("Retry-After")
                    .expectBody()
                    .jsonPath("$.error").isEqualTo("no_region_in_zone")
                    .jsonPath("$.message").value(m -> assertThat((String) m).contains("residency zone 'eu'"));
            // a client without a rule fails over across zones as usual
            process("82.1.1.1", null).expectStatus().isOk();
            assertThat(regions.get("us-east").getAllServeEvents()).isNotEmpty();
        } finally {
            regions.get("eu-central").start();
        }
    }

    @Test
    void anUnknownZoneAndConflictingRulesAre400s() {
        process("8.8.8.8", "mars")
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error").isEqualTo("invalid_residency")
                .jsonPath("$.field").isEqualTo("X-Meridian-Residency");
        process("80.133.1.1", "us")
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.message").isEqualTo("X-Meridian-Residency asks for zone 'us', but clients in DE must be served in zone 'eu'");
        assertThat(regions.totalRequests()).isZero();
    }
}
