package io.meridian.gateway.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Bodies over {@code max-buffered-body} are streamed to one region and not kept for a re-send. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.enabled=false",
        "meridian.failover.max-buffered-body=16B"})
class UnbufferedBodyIntegrationTests extends RegionsIntegrationTest {

    static final String BODY = "{\"query\":\"a query longer than sixteen bytes\"}";

    WebTestClient.ResponseSpec postWithIdempotencyKey() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(10)).build()
                .post().uri("/process")
                .header("X-Forwarded-For", "80.133.1.1")
                .header("Idempotency-Key", "k-1")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(BODY)
                .exchange();
    }

    @Test
    void aStreamedBodyIsNotResentAfterTheRegionMayHaveReadIt() {
        regions.get("eu-central").stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        postWithIdempotencyKey()
                .expectStatus().isEqualTo(502)
                .expectBody()
                .jsonPath("$.error").isEqualTo("region_failed")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains("streamed"));

        assertThat(WireMockRegions.clientRequests(regions.get("us-east"))).isZero();
    }

    @Test
    void aStreamedBodyStillFailsOverWhenTheRegionCouldNotBeReached() {
        regions.get("eu-central").stop();
        try {
            postWithIdempotencyKey()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");

            regions.get("us-east").verify(1, postRequestedFor(urlEqualTo("/process")).withRequestBody(equalTo(BODY)));
        } finally {
            regions.get("eu-central").start();
        }
    }
}
