package io.meridian.gateway.dashboard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.gateway.routing.GeoRoutingFilter;
import io.meridian.gateway.routing.RegionDrains;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The dashboard's control actions against WireMock regions that speak the task server's admin
 * API: the token, unknown regions, bad sizes, passing the call on, and drain semantics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.interval=0s",
        "meridian.dashboard.poll-interval=1h",
        "meridian.dashboard.history=2h",
        "meridian.admin.token-sha256=" + DashboardControlIntegrationTests.TOKEN_SHA256})
class DashboardControlIntegrationTests extends RegionsIntegrationTest {

    static final String TOKEN = "dashboard-admin-token";

    /** {@code printf %s dashboard-admin-token | sha256sum}. */
    static final String TOKEN_SHA256 = "c814be266ad7ffea6f2041c26362254717194de07ecf23c0b53350fd0a5acf5e";

    static final String GERMANY = "80.133.1.1";

    @Autowired
    RegionDrains drains;

    @Autowired
    HealthRegistry health;

    @Autowired
    RegionCatalog catalog;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DashboardAggregator aggregator;

    @BeforeEach
    void healthy() {
        for (Region region : catalog.regions()) {
            region.endpoints().forEach(endpoint -> health.recordCheck(endpoint, true, LoadReport.NONE));
        }
    }

    @AfterEach
    void undrain() {
        catalog.regions().forEach(region -> drains.set(region.id(), false));
    }

    WebTestClient.ResponseSpec control(String path, String token) {
        WebTestClient.RequestBodySpec request = client.post().uri(path);
        if (token != null) {
            request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        return request.exchange();
    }

    WebTestClient.ResponseSpec resize(String token, String body) {
        return client.put().uri("/dashboard/api/regions/eu-central/queues/simple/workers")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    static void jsonError(WebTestClient.ResponseSpec response, int status, String code, String field) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error").isEqualTo(code)
                .jsonPath("$.field").isEqualTo(field)
                .jsonPath("$.message").isNotEmpty();
    }

    @Test
    void refusesEveryActionWithoutAValidToken() {
        jsonError(control("/dashboard/api/regions/eu-central/drain", null), 401, "unauthorized", "Authorization");
        jsonError(control("/dashboard/api/regions/eu-central/drain", "guess"), 401, "unauthorized", "Authorization");
        jsonError(control("/dashboard/api/regions/eu-central/queues/simple/pause", "guess"), 401, "unauthorized",
                "Authorization");
        jsonError(resize("guess", "{\"min\":1,\"max\":2}"), 401, "unauthorized", "Authorization");
        jsonError(client.delete().uri("/dashboard/api/tasks/eu-central.01JD3X9K2M").exchange(), 401, "unauthorized",
                "Authorization");
        assertThat(drains.isDrained("eu-central")).isFalse();
        assertThat(regions.get("eu-central").getAllServeEvents()).isEmpty();
    }

    @Test
    void answers404ForAnUnknownRegionAnd400ForBadSizes() {
        jsonError(control("/dashboard/api/regions/mars-north/drain", TOKEN), 404, "unknown_region", "region");
        jsonError(control("/dashboard/api/regions/mars-north/queues/simple/pause", TOKEN), 404, "unknown_region",
                "region");
        jsonError(resize(TOKEN, "{\"min\":0,\"max\":2}"), 400, "invalid_workers", "min");
        jsonError(resize(TOKEN, "{\"min\":5,\"max\":2}"), 400, "invalid_workers", "max");
        jsonError(resize(TOKEN, "{\"min\":2}"), 400, "invalid_workers", "max");
        assertThat(regions.get("eu-central").getAllServeEvents()).isEmpty();
    }

    @Test
    void passesQueueActionsWithTheTokenToTheRegionAndItsAnswerBack() {
        regions.get("eu-central").stubFor(post(urlEqualTo("/v1/admin/queues/simple/pause"))
                .withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"queue\":\"simple\",\"paused\":true,\"workers\":{\"current\":2,\"min\":2,\"max\":8}}")));
        regions.get("eu-central").stubFor(post(urlEqualTo("/v1/admin/queues/nope/pause")).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"unknown_queue\",\"message\":\"no queue named 'nope'\",\"field\":\"queue\",\"status\":404}")));
        regions.get("eu-central").stubFor(put(urlEqualTo("/v1/admin/queues/simple/workers")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"queue\":\"simple\",\"paused\":false,\"workers\":{\"current\":3,\"min\":3,\"max\":4}}")));

        control("/dashboard/api/regions/eu-central/queues/simple/pause", TOKEN).expectStatus().isOk()
                .expectBody().jsonPath("$.paused").isEqualTo(true);
        jsonError(control("/dashboard/api/regions/eu-central/queues/nope/pause", TOKEN), 404, "unknown_queue", "queue");
        resize(TOKEN, "{\"min\":3,\"max\":4}").expectStatus().isOk().expectBody().jsonPath("$.workers.max").isEqualTo(4);

        regions.get("eu-central").verify(postRequestedFor(urlEqualTo("/v1/admin/queues/simple/pause"))
                .withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + TOKEN)));
        regions.get("eu-central").verify(putRequestedFor(urlEqualTo("/v1/admin/queues/simple/workers"))
                .withRequestBody(equalToJson("{\"min\":3,\"max\":4}")));
    }

    @Test
    void cancelsATaskInTheRegionItsIdNames() {
        client.delete().uri("/dashboard/api/tasks/ap-southeast.01JD3X9K2M")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isOk();
        regions.get("ap-southeast").verify(deleteRequestedFor(urlEqualTo("/v1/tasks/ap-southeast.01JD3X9K2M"))
                .withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + TOKEN)));
        assertThat(regions.get("eu-central").getAllServeEvents()).isEmpty();
    }

    @Test
    void aDrainedRegionGetsNoNewWorkButStillItsTasksRequests() {
        process().expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central");

        control("/dashboard/api/regions/eu-central/drain", TOKEN).expectStatus().isOk()
                .expectBody().jsonPath("$.drained").isEqualTo(true);
        assertThat(meters.get("meridian.region.drained").tag("region", "eu-central").gauge().value()).isEqualTo(1);
        regions.get("eu-central").stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/v1/queues"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody(DashboardIntegrationTests.queues("eu-central", 0, 0, 0, 0))));
        assertThat(aggregator.pollOnce().block().regions().get(1))
                .satisfies(region -> assertThat(region.status()).isEqualTo("drained"));

        process().expectHeader().value(GeoRoutingFilter.REGION_HEADER,
                served -> assertThat(served).isNotEqualTo("eu-central"));
        client.get().uri("/v1/tasks/eu-central.01JD3X9K2M").header("X-Forwarded-For", GERMANY).exchange()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central");

        control("/dashboard/api/regions/eu-central/undrain", TOKEN).expectStatus().isOk();
        assertThat(meters.get("meridian.region.drained").tag("region", "eu-central").gauge().value()).isZero();
        process().expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central");
    }

    WebTestClient.ResponseSpec process() {
        return client.post().uri("/process").header("X-Forwarded-For", GERMANY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isOk();
    }
}
