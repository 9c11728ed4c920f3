package io.meridian.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A gateway whose retry budget allows no retry at all: a failed region is where the request ends. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.enabled=false",
        "meridian.failover.retry-budget.ratio=0",
        "meridian.failover.retry-budget.min-retries=0"})
class RetryBudgetIntegrationTests extends RegionsIntegrationTest {

    @Test
    void aSpentRetryBudgetStopsFailover() {
        regions.get("eu-central").stop();
        try {
            WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(10)).build()
                    .post().uri("/process")
                    .header("X-Forwarded-For", "80.133.1.1")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"query\":\"hi\"}")
                    .exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().exists("Retry-After")
                    .expectBody()
                    .jsonPath("$.error").isEqualTo("no_region_available")
                    .jsonPath("$.message").value(message -> assertThat((String) message).contains("retry budget"));

            assertThat(regions.totalRequests()).isZero();
        } finally {
            regions.get("eu-central").start();
        }
    }
}
