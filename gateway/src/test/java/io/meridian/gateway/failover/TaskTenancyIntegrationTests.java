package io.meridian.gateway.failover;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.gateway.tenant.Tenant;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two API keys, over WireMock regions that scope tasks by {@value
 * Tenant#HEADER} the way a task server does (its own tests hold the task server to that): a task
 * of tenant {@code globex} answers {@code globex}'s key and {@code 404 task_not_found} anything
 * else. Through the gateway, {@code acme}'s key and a client naming a tenant itself cannot reach
 * it, because the gateway always names the tenant it authenticated and nothing else (requests
 * without a key are the anonymous tenant's: {@link AnonymousTenantHeaderIntegrationTests}).
 * The keys and their SHA-256 hashes (only the hashes are configured): {@code acme-key},
 * {@code globex-key}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.auth.anonymous=false",
        "meridian.auth.tenants[0].id=acme",
        "meridian.auth.tenants[0].keys-sha256[0]=" + TaskTenancyIntegrationTests.ACME_HASH,
        "meridian.auth.tenants[1].id=globex",
        "meridian.auth.tenants[1].keys-sha256[0]=" + TaskTenancyIntegrationTests.GLOBEX_HASH})
class TaskTenancyIntegrationTests extends RegionsIntegrationTest {

    static final String ACME_HASH = "afacab3575137afa4e00d9cbcafcb14c9ae25f779d964eb0ea5b2c4eb5dfd163";

    static final String GLOBEX_HASH = "f2a455b59b858a04c51108416af2042203cb6ac35fa4141fba4148bc856e78d4";

    static final String TASK = "us-east.01JDQ3W5ZK8Y4T6V0A7M2N9PQR";

    private static final String NOT_FOUND = "{\"error\":\"task_not_found\",\"message\":\"no task " + TASK
            + " here; it never existed or its result has expired\",\"field\":null,\"status\":404}";

    @BeforeEach
    void globexOwnsTheTask() {
        WireMockServer usEast = regions.get("us-east");
        usEast.stubFor(any(anyUrl()).atPriority(2).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(NOT_FOUND)));
        usEast.stubFor(any(urlPathEqualTo("/v1/tasks/" + TASK)).atPriority(1)
                .withHeader(Tenant.HEADER, equalTo("globex"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"" + TASK + "\",\"status\":\"succeeded\",\"query\":\"globex's secret\"}")));
    }

    private WebTestClient.ResponseSpec read(@Nullable String key, @Nullable String claimedTenant) {
        WebTestClient.RequestHeadersSpec<?> request = client.get().uri("/v1/tasks/{id}", TASK)
                .header("X-Forwarded-For", "8.8.8.8");
        if (key != null) {
            request.header(HttpHeaders.AUTHORIZATION, "Bearer " + key);
        }
        if (claimedTenant != null) {
            request.header(Tenant.HEADER, claimedTenant);
        }
        return request.exchange();
    }

    @Test
    void theOwnersKeyReadsItsTask() {
        read("globex-key", null).expectStatus().isOk()
                .expectBody().jsonPath("$.query").isEqualTo("globex's secret");
    }

    @Test
    void anotherTenantsKeyGetsTaskNotFound() {
        read("acme-key", null).expectStatus().isNotFound()
                .expectBody().jsonPath("$.error").isEqualTo("task_not_found");
        regions.get("us-east").verify(anyRequestedFor(urlPathEqualTo("/v1/tasks/" + TASK))
                .withHeader(Tenant.HEADER, equalTo("acme")).withHeader(HttpHeaders.AUTHORIZATION, absent()));
    }

    @Test
    void aClientNamingTheOwnerItselfIsStillTheTenantOfItsKey() {
        read("acme-key", "globex").expectStatus().isNotFound();
        read(null, "globex").expectStatus().isUnauthorized();

        regions.get("us-east").verify(0, anyRequestedFor(anyUrl()).withHeader(Tenant.HEADER, equalTo("globex")));
        regions.get("us-east").verify(1, anyRequestedFor(urlPathEqualTo("/v1/tasks/" + TASK))
                .withHeader(Tenant.HEADER, equalTo("acme")));
    }

    @Test
    void deleteAndEventsOfAnotherTenantsTaskAreNotFoundToo() {
        client.delete().uri("/v1/tasks/{id}", TASK).header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer acme-key").exchange()
                .expectStatus().isNotFound();
        client.get().uri("/v1/tasks/{id}/events", TASK).header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer acme-key").exchange()
                .expectStatus().isNotFound();
        client.delete().uri("/v1/tasks/{id}", TASK).header("X-Forwarded-For", "8.8.8.8")
                .header(HttpHeaders.AUTHORIZATION, "Bearer globex-key").exchange()
                .expectStatus().isOk();

        assertThat(regions.get("us-east").findAll(anyRequestedFor(urlPathEqualTo("/v1/tasks/" + TASK + "/events"))))
                .singleElement()
                .satisfies(request -> assertThat(request.getHeader(Tenant.HEADER)).isEqualTo("acme"));
    }
}
