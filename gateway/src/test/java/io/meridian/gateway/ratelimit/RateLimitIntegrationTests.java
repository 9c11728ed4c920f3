package io.meridian.gateway.ratelimit;

import io.meridian.gateway.routing.RegionsIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.1",
        "meridian.geoip.reload-interval=0s",
        "meridian.rate-limit.requests-per-second=0.1",
        "meridian.rate-limit.burst=3"})
class RateLimitIntegrationTests extends RegionsIntegrationTest {

    WebTestClient.ResponseSpec send(String clientIp, String apiKey) {
        WebTestClient.RequestBodySpec request = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build()
                .post().uri("/process")
                .header("X-Forwarded-For", clientIp)
                .contentType(MediaType.APPLICATION_JSON);
        if (apiKey != null) {
            request = request.header("Authorization", "Bearer " + apiKey);
        }
        return request.bodyValue("{\"query\":\"hi\"}").exchange();
    }

    @Test
    void aClientOverItsBurstGets429WithRetryAfterAndRateLimitHeaders() {
        for (int i = 0; i < 3; i++) {
            send("8.8.8.8", null).expectStatus().isOk()
                    .expectHeader().valueEquals("RateLimit-Policy", "\"client\";q=3;w=30")
                    .expectHeader().valueEquals("RateLimit", "\"client\";r=" + (2 - i) + ";t=" + (10 * (i + 1)));
        }

        send("8.8.8.8", null)
                .expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", "10")
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error").isEqualTo("rate_limited")
                .jsonPath("$.status").isEqualTo(429);

        send("9.9.9.9", null).expectStatus().isOk();
    }

    @Test
    void aKeyThatNoTenantVouchesForOpensNoBucketOfItsOwn() {
        // No tenants here, so no key is checked: a new key on every request must not be a new
        // client, or writing one would escape the limit.
        for (int i = 0; i < 3; i++) {
            send("1.0.0.9", "mk_test_" + System.nanoTime()).expectStatus().isOk();
        }

        send("1.0.0.9", "mk_test_" + System.nanoTime()).expectStatus().isEqualTo(429);
        send("1.0.0.9", null).expectStatus().isEqualTo(429);
        send("1.0.0.10", "mk_test_" + System.nanoTime()).expectStatus().isOk();
    }

    @Test
    void aClientCannotEscapeItsBucketByRewritingForwardingHeadersBehindAnUntrustedPeer() {
        // The peer 127.0.0.1 is trusted here, so the resolved client is the header's last entry;
        // prepending addresses does not change it.
        for (int i = 0; i < 3; i++) {
            send("6.6.6." + i + ", 4.4.4.4", null).expectStatus().isOk();
        }
        send("7.7.7.7, 4.4.4.4", null).expectStatus().isEqualTo(429);
    }

    @Test
    void ipv6ClientsShareABucketPerSlash64() {
        send("2001:db8:a:1::1", null).expectStatus().isOk();
        send("2001:db8:a:1::2", null).expectStatus().isOk();
        send("2001:db8:a:1:ffff:ffff:ffff:ffff", null).expectStatus().isOk();

        send("2001:db8:a:1::4", null).expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error").isEqualTo("rate_limited");
        send("2001:db8:a:2::1", null).expectStatus().isOk();
    }
}
