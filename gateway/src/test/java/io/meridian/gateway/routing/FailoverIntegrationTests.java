package io.meridian.gateway.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meridian.gateway.health.LoadReport;
import io.meridian.region.Region;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Failover against three WireMock regions. The client is in Germany, so the proximity order is
 * eu-central, us-east, ap-southeast. Health checks do not run on a schedule here: a test that
 * needs the health view changed reports a check result itself, as the checker would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.interval=0s",
        // Long enough for a healthy answer on a busy machine; the regions that hang below take longer.
        "meridian.failover.deadlines.take=3s",
        "meridian.failover.deadlines.read.answer=3s"})
class FailoverIntegrationTests extends FailoverRegionsTest {

    WebTestClient.RequestHeadersSpec<?> post(String idempotencyKey) {
        WebTestClient.RequestBodySpec spec = client.post().uri("/process").header("X-Forwarded-For", GERMANY);
        if (idempotencyKey != null) {
            spec = spec.header("Idempotency-Key", idempotencyKey);
        }
        return spec.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}");
    }

    WebTestClient.ResponseSpec get() {
        return client.get().uri("/v1/replicas").header("X-Forwarded-For", GERMANY).exchange();
    }

    void answer(String region, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        regions.get(region).stubFor(any(anyUrl()).willReturn(response));
    }

    Region region(String id) {
        return catalog.find(id).orElseThrow();
    }

    URI endpoint(String id) {
        return region(id).primaryEndpoint();
    }

    int requests(String region) {
        return WireMockRegions.clientRequests(regions.get(region));
    }

    @Test
    void servesFromTheNearestRegionWithNoFailover() {
        post(null).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central")
                .expectHeader().valueEquals("X-Meridian-Failovers", "0")
                .expectHeader().valueEquals(GeoRoutingFilter.COUNTRY_HEADER, "DE");
    }

    @Test
    void aRegionThatIsDownIsPassedOverAndMarkedDownAtOnce() {
        regions.get("eu-central").stop();

        post(null).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east")
                .expectHeader().valueEquals("X-Meridian-Failovers", "1")
                .expectBody().jsonPath("$.region").isEqualTo("us-east");
        assertThat(health.isHealthy(endpoint("eu-central"))).isFalse();

        // Known down: the next request goes straight to us-east without trying eu-central first.
        post(null).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east")
                .expectHeader().valueEquals("X-Meridian-Failovers", "0");
    }

    @Test
    void aRegionThatRecoversGetsItsClientsBack() {
        regions.get("eu-central").stop();
        post(null).exchange().expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");

        regions.get("eu-central").start();
        health.recordCheck(endpoint("eu-central"), true, LoadReport.NONE);

        post(null).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central")
                .expectHeader().valueEquals("X-Meridian-Failovers", "0");
    }

    @Test
    void aRegionThatHangsPastAReadsAnswerDeadlineIsLeftForTheNext() {
        answer("eu-central", aResponse().withStatus(200).withFixedDelay(8_000).withBody("{\"region\":\"eu-central\"}"));

        get().expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east")
                .expectHeader().valueEquals("X-Meridian-Failovers", "1");
    }

    @Test
    void an503IsRetriedOnTheNextRegionForAGet() {
        answer("eu-central", aResponse().withStatus(503));

        get().expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east")
                .expectHeader().valueEquals("X-Meridian-Failovers", "1");
    }

    @Test
    void anEmptyResponseIsRetriedOnTheNextRegionForAGet() {
        answer("eu-central", aResponse().withFault(Fault.EMPTY_RESPONSE));

        get().expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");
    }

    @Test
    void aPostWithoutIdempotencyKeyIsNotResentAfterTheRegionResetTheConnection() {
        answer("eu-central", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        post(null).exchange()
                .expectStatus().isEqualTo(502)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error").isEqualTo("region_failed")
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("eu-central", "not re-sent", "Idempotency-Key"));

        assertThat(requests("eu-central")).isEqualTo(1);
        assertThat(requests("us-east")).isZero();
        assertThat(requests("ap-southeast")).isZero();
    }

    @Test
    void aPostWithIdempotencyKeyIsNotResentWhileTheRegionThatResetTheConnectionIsUp() {
        // The region owns the key now and may be running its task: another region would run it again.
        answer("eu-central", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        post("order-42").exchange()
                .expectStatus().isEqualTo(502)
                .expectBody()
                .jsonPath("$.error").isEqualTo("region_failed")
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("eu-central", "same Idempotency-Key"));

        // Once, and once more to the same region: a repeat to the key's owner is safe.
        regions.get("eu-central").verify(2, postRequestedFor(urlEqualTo("/process"))
                .withHeader("Idempotency-Key", equalTo("order-42"))
                .withRequestBody(equalToJson("{\"query\":\"hi\"}")));
        assertThat(requests("us-east")).isZero();
        assertThat(requests("ap-southeast")).isZero();
    }

    @Test
    void aPostWithoutIdempotencyKeyIsResentAfterAConnectFailure() {
        regions.get("eu-central").stop();

        post(null).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");

        regions.get("us-east").verify(1, postRequestedFor(urlEqualTo("/process"))
                .withRequestBody(equalToJson("{\"query\":\"hi\"}")));
    }

    @Test
    void aPostWithoutIdempotencyKeySeesTheRegionsOwn503() {
        answer("eu-central", aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"overloaded\"}"));

        post(null).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central")
                .expectBody().jsonPath("$.error").isEqualTo("overloaded");
        assertThat(requests("us-east")).isZero();
    }

    @Test
    void whenEveryRegionIsDownTheAnswerIsA503WithRetryAfter() {
        regions.servers.values().forEach(WireMockServer::stop);

        post(null).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "5")
                .expectHeader().valueEquals("X-Meridian-Failovers", "3")
                .expectBody()
                .jsonPath("$.error").isEqualTo("no_region_available")
                .jsonPath("$.status").isEqualTo(503);
    }

    @Test
    void anOpenCircuitSkipsTheRegionWithoutSendingToIt() {
        guards.circuit(region("eu-central")).transitionToOpenState();

        post(null).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");
        assertThat(requests("eu-central")).isZero();
    }

    @Test
    void repeatedFailuresOpenTheRegionsCircuit() {
        answer("eu-central", aResponse().withStatus(503));

        for (int i = 0; i < 10; i++) {
            get().expectStatus().isOk().expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");
        }

        assertThat(guards.circuit(region("eu-central")).getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(meters.get("meridian.region.circuit.state").tag("region", "eu-central").gauge().value()).isEqualTo(1.0);
        int before = requests("eu-central");
        get().expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");
        assertThat(requests("eu-central")).isEqualTo(before);
    }

    @Test
    void aRegionReportingItselfFullSpillsToTheNext() {
        health.recordCheck(endpoint("eu-central"), true, new LoadReport(64, 64, 10, "0.1.0"));

        post(null).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");
        assertThat(requests("eu-central")).isZero();
    }

    @Test
    void whenEveryRegionIsFullTheLeastLoadedTakesTheRequest() {
        health.recordCheck(endpoint("eu-central"), true, new LoadReport(80, 64, 10, null));
        health.recordCheck(endpoint("us-east"), true, new LoadReport(70, 64, 10, null));
        health.recordCheck(endpoint("ap-southeast"), true, new LoadReport(64, 64, 0, null));

        post(null).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "ap-southeast");
    }

    @Test
    void failoversAndAttemptsAreCountedPerRegion() {
        double before = failovers("eu-central");
        answer("eu-central", aResponse().withStatus(503));

        get().expectStatus().isOk();

        assertThat(failovers("eu-central")).isEqualTo(before + 1);
        assertThat(meters.get("meridian.region.requests").tags("region", "us-east", "outcome", "served", "status", "2xx")
                .counter().count()).isPositive();
        assertThat(meters.get("meridian.region.attempt").tags("region", "eu-central", "outcome", "bad_status")
                .timer().count()).isPositive();
        assertThat(meters.get("meridian.region.healthy").tag("region", "us-east").gauge().value()).isEqualTo(1.0);
        // The gateway lets go of the region just after the client has its answer.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(meters.get("meridian.region.in.flight").tag("region", "us-east").gauge().value()).isZero());
    }

    double failovers(String region) {
        var counter = meters.find("meridian.region.failovers").tags("region", region, "reason", "bad_status").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aTaskIdSendsTheRequestToTheRegionItNamesWhereverTheClientIs() {
        client.get().uri("/v1/tasks/ap-southeast.01JD3X9K2M").header("X-Forwarded-For", GERMANY).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "ap-southeast");
        client.get().uri("/v1/tasks/us-east.01JD3X9K2M/events").header("X-Forwarded-For", GERMANY).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");
        client.delete().uri("/v1/tasks/us-east.01JD3X9K2M").header("X-Forwarded-For", GERMANY).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east");

        assertThat(requests("eu-central")).isZero();
    }

    @Test
    void aTaskIsNeverLookedForInAnotherRegionWhenItsOwnIsDown() {
        regions.get("ap-southeast").stop();

        client.get().uri("/v1/tasks/ap-southeast.01JD3X9K2M").header("X-Forwarded-For", GERMANY).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.error").isEqualTo("no_region_available");

        assertThat(requests("eu-central")).isZero();
        assertThat(requests("us-east")).isZero();
    }

    @Test
    void aMalformedTaskIdIsA400NamingTheIdField() {
        client.get().uri("/v1/tasks/not-a-task-id").exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error").isEqualTo("invalid_task_id")
                .jsonPath("$.field").isEqualTo("id");
        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void aTaskIdNamingAnUnknownRegionIsA404() {
        client.get().uri("/v1/tasks/mars-north.01JD3X9K2M/events").exchange()
                .expectStatus().isNotFound()
                .expectBody()
                .jsonPath("$.error").isEqualTo("unknown_region")
                .jsonPath("$.field").isEqualTo("id");
        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void aTasksEventStreamPassesThroughAsItArrives() {
        regions.get("us-east").stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/v1/tasks/us-east.01JD3X9K2M/events")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody("event: status\ndata: {\"state\":\"running\"}\n\nevent: done\ndata: {}\n\n")));

        client.get().uri("/v1/tasks/us-east.01JD3X9K2M/events").header("X-Forwarded-For", GERMANY).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).value(body -> assertThat(body)
                        .isEqualTo("event: status\ndata: {\"state\":\"running\"}\n\nevent: done\ndata: {}\n\n"));
    }

    @Test
    void anAnswerThatStartedInTimeMayStreamLongerThanTheTakeDeadline() throws Exception {
        String event = "event: status\ndata: {\"state\":\"running\"}\n\n";
        // A region that sends its headers at once and then an event every 3.5 s: each gap is longer
        // than the 3 s take deadline, which covers only the wait for the first byte; the idle limit is 5 min.
        com.github.tomakehurst.wiremock.WireMockServer usEast = regions.get("us-east");
        int port = usEast.port();
        usEast.stop();
        com.sun.net.httpserver.HttpServer slow = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", port), 0);
        slow.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 3; i++) {
                    out.write(event.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(3_500);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        slow.start();
        try {
            client.get().uri("/v1/tasks/us-east.01JD3X9K2M/events").header("X-Forwarded-For", GERMANY).exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals("X-Meridian-Failovers", "0")
                    .expectBody(String.class).value(body -> assertThat(body).isEqualTo(event.repeat(3)));
        } finally {
            slow.stop(0);
            usEast.start();
        }
    }

    @Test
    void successfulProbesThroughAHalfOpenCircuitCloseItAgain() {
        CircuitBreaker breaker = guards.circuit(region("eu-central"));
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();

        for (int i = 0; i < 3; i++) {
            post(null).exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central");
        }

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(meters.get("meridian.region.circuit.state").tag("region", "eu-central").gauge().value()).isZero();
    }
}
