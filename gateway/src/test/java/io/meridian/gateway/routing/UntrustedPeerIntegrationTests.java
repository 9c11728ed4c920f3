package io.meridian.gateway.routing;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** With the default configuration no proxy is trusted: a client cannot move itself with a header. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "meridian.geoip.reload-interval=0s")
class UntrustedPeerIntegrationTests extends RegionsIntegrationTest {

    @Test
    void forwardingHeadersFromAnUntrustedPeerAreIgnored() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();

        for (String spoofed : new String[] {"165.21.1.1", "evil.example", "for=80.133.1.1"}) {
            client.post().uri("/process")
                    .header("X-Forwarded-For", spoofed)
                    .header("Forwarded", "for=165.21.1.1")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"query\":\"hi\"}")
                    .exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east")
                    .expectHeader().valueEquals(GeoRoutingFilter.COUNTRY_HEADER, "unknown");
        }
    }

    @Test
    void theLocateEndpointIsOffByDefault() {
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build()
                .get().uri("/meridian/locate?ip=8.8.8.8").exchange()
                .expectStatus().isNotFound();
    }
}
