package io.meridian.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;

/**
 * Meridian's route handed straight to its filters ({@link DirectRouteFilter}) keeps what the
 * dispatcher did besides: a CORS pre-flight for a routed path is answered by the gateway's route
 * mapping, as before, and never reaches a region; a routed request reaches one region once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.enabled=false"})
class DirectRouteIntegrationTests extends RegionsIntegrationTest {

    @Test
    void aPreflightForARoutedPathIsAnsweredHereAndNeverForwarded() {
        client.options().uri("/v1/chat/completions")
                .header("X-Forwarded-For", "80.133.1.1")
                .header(HttpHeaders.ORIGIN, "https://app.example")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist("X-Meridian-Region");

        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void aRoutedRequestReachesItsRegionOnce() {
        client.post().uri("/process").header("X-Forwarded-For", "80.133.1.1")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-Meridian-Region", "eu-central");

        assertThat(WireMockRegions.clientRequests(regions.get("eu-central"))).isEqualTo(1);
        assertThat(regions.totalRequests()).isEqualTo(1);
    }
}
