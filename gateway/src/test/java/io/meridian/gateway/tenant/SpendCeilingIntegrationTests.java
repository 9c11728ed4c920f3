package io.meridian.gateway.tenant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.protocol.MeridianHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * The deployment's spend-rate ceiling through a running gateway, against WireMock regions that
 * report usage as task servers do. Each answer costs 0.016 EUR (prompt=4, completion=6 at 1000 and
 * 2000 EUR a million), so a few answers within a two-second window project to far over the ceiling
 * of 1 EUR an hour: from then on every forwarded request carries {@code X-Meridian-Scaling: hold},
 * tenant {@code low} (priority 0) gets {@code 429} naming {@code spend_rate_ceiling} and tenant
 * {@code vip} (priority 1) is still served; once the window has passed without spend, {@code low} is
 * served again and the hold is gone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.rate-limit.enabled=false",
        "meridian.auth.anonymous=false",
        "meridian.auth.reservation.default-tokens=10",
        "meridian.pricing.currency=EUR",
        "meridian.pricing.models.qwen3.input-per-million=1000",
        "meridian.pricing.models.qwen3.output-per-million=2000",
        "meridian.pricing.ceiling.per-hour=1",
        "meridian.pricing.ceiling.window=2s",
        "meridian.pricing.ceiling.interval=100ms"})
class SpendCeilingIntegrationTests extends RegionsIntegrationTest {

    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    static final String CHAT = "{\"model\":\"qwen3\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @DynamicPropertySource
    static void tenants(DynamicPropertyRegistry registry) {
        registry.add("meridian.admin.token-sha256", () -> io.meridian.boot.AdminCredential.hash("admin-token"));
        registry.add("meridian.auth.tenants[0].id", () -> "low-" + RUN);
        registry.add("meridian.auth.tenants[0].keys-sha256[0]", () -> ApiKeys.sha256("low-key"));
        registry.add("meridian.auth.tenants[1].id", () -> "vip-" + RUN);
        registry.add("meridian.auth.tenants[1].keys-sha256[0]", () -> ApiKeys.sha256("vip-key"));
        registry.add("meridian.auth.tenants[1].priority", () -> "1");
    }

    @Autowired
    MeterRegistry meters;

    @Autowired
    SpendCeiling ceiling;

    EntityExchangeResult<byte[]> chat(String key) {
        return client.post().uri("/v1/chat/completions").header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).header(MeridianHeaders.SCALING, "hold")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT).exchange().expectBody().returnResult();
    }

    int forwardedWith(com.github.tomakehurst.wiremock.matching.StringValuePattern scaling) {
        return regions.servers().stream().mapToInt(server -> server.findAll(postRequestedFor(
                urlEqualTo("/v1/chat/completions")).withHeader(MeridianHeaders.SCALING, scaling)).size()).sum();
    }

    @Test
    void passingTheCeilingHoldsThePoolsAndRefusesLowPriorityTenantsUntilTheRateFalls() {
        for (WireMockServer server : regions.servers()) {
            server.stubFor(any(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("X-Meridian-Usage", "prompt=4, completion=6")
                    .withBody("{\"object\":\"chat.completion\",\"model\":\"qwen3\"}")));
        }
        assertThat(ceiling.state()).isEqualTo(SpendCeiling.State.UNDER);
        assertThat(chat("low-key").getStatus().value()).isEqualTo(200);
        // A client's own X-Meridian-Scaling never reaches a region.
        assertThat(forwardedWith(absent())).isEqualTo(1);

        // Spend until the gateway measures the rate over its ceiling; refused requests spend nothing.
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            chat("vip-key");
            return ceiling.state() == SpendCeiling.State.OVER;
        });
        EntityExchangeResult<byte[]> refused = chat("low-key");
        String body = new String(refused.getResponseBodyContent());
        if (refused.getStatus().value() == 200) {
            // The rate fell below the ceiling between the two calls on a slow machine: spend again.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                chat("vip-key");
                return ceiling.state() == SpendCeiling.State.OVER && chat("low-key").getStatus().value() == 429;
            });
        }
        else {
            assertThat(refused.getStatus().value()).isEqualTo(429);
            assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
            assertThat(body).contains("\"code\":\"limit_exceeded\"").contains("\"param\":\"spend_rate_ceiling\"")
                    .contains("over its ceiling of 1 EUR an hour");
        }
        int heldBefore = forwardedWith(equalTo(MeridianHeaders.SCALING_HOLD));
        assertThat(chat("vip-key").getStatus().value()).isEqualTo(200);
        assertThat(forwardedWith(equalTo(MeridianHeaders.SCALING_HOLD))).isGreaterThan(heldBefore);
        assertThat(meters.get("meridian.scaling.hold").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("meridian.spend.rate").gauge().value()).isGreaterThan(1.0);
        assertThat(meters.get("meridian.spend.ceiling").gauge().value()).isEqualTo(1.0);
        String usage = new String(client.get().uri("/v1/usage?tenant=all").header(HttpHeaders.AUTHORIZATION,
                "Bearer admin-token").exchange().expectStatus().isOk().expectBody().returnResult().getResponseBodyContent());
        assertThat(usage).contains("\"spendRate\":{").contains("\"ceilingPerHour\":1");
        // The operator's dashboard shows the rate against the ceiling; the public one does not.
        client.get().uri("/dashboard/api/state").header(HttpHeaders.AUTHORIZATION, "Bearer admin-token").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.spend.currency").isEqualTo("EUR")
                .jsonPath("$.spend.ceilingPerHour").isEqualTo(1.0)
                .jsonPath("$.spend.state").value(state -> assertThat(state).isIn("hold", "over"));
        client.get().uri("/dashboard/api/state").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.spend").doesNotExist();
        assertThat(meters.get(TenantMetrics.REFUSED).tag("tenant", "low-" + RUN).tag("limit", "spend_rate_ceiling")
                .counter().count()).isPositive();

        // Two quiet seconds later the window holds no spend: low is served again, without a hold.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ceiling.state() == SpendCeiling.State.UNDER);
        int unheldBefore = forwardedWith(absent());
        assertThat(chat("low-key").getStatus().value()).isEqualTo(200);
        assertThat(forwardedWith(absent())).isEqualTo(unheldBefore + 1);
    }
}
