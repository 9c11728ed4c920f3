package io.meridian.gateway.dashboard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The dashboard against three WireMock regions that answer {@code GET /v1/queues} the way a task
 * server does. Polls are driven by the tests ({@link DashboardAggregator#pollOnce()}); the
 * schedule's own interval is an hour so it never races them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.interval=0s",
        "meridian.dashboard.poll-interval=1h",
        "meridian.dashboard.history=2h",
        "meridian.dashboard.timeout=10s",
        "meridian.admin.token-sha256=" + DashboardControlIntegrationTests.TOKEN_SHA256})
class DashboardIntegrationTests extends RegionsIntegrationTest {

    static final String GERMANY = "80.133.1.1";

    @Autowired
    DashboardAggregator aggregator;

    @Autowired
    HealthRegistry health;

    @Autowired
    RegionCatalog catalog;

    @BeforeEach
    void healthy() {
        for (Region region : catalog.regions()) {
            region.endpoints().forEach(endpoint -> health.recordCheck(endpoint, true, LoadReport.NONE));
        }
    }

    static String queues(String region, int depth, int inFlight, long completed, long failed) {
        return """
                {"region":"%s","queues":[
                  {"name":"simple","model":"qwen3","depth":%d,"maxDepth":1000,"inFlight":%d,
                   "workers":{"current":3,"min":2,"max":8},"completed":%d,"failed":%d,"retried":4,
                   "deadLettered":1,"cancelled":0,"rates":{"completed":1.5,"failed":0.0},"paused":false},
                  {"name":"complex","model":"qwen3:14b","depth":0,"maxDepth":100,"inFlight":0,
                   "workers":{"current":2,"min":2,"max":2},"completed":0,"failed":0,"retried":0,
                   "deadLettered":0,"cancelled":0,"rates":{"completed":0.0,"failed":0.0}}]}
                """.formatted(region, depth, inFlight, completed, failed);
    }

    void reports(String region, String body) {
        regions.get(region).stubFor(get(urlEqualTo("/v1/queues")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    WebTestClient.BodyContentSpec state() {
        return client.get().uri("/dashboard/api/state").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody();
    }

    @Test
    void showsEveryRegionsQueuesAndMarksAnUnreachableRegionDownWithoutDelayingTheOthers() {
        reports("us-east", queues("us-east", 3, 2, 10, 1));
        reports("ap-southeast", queues("ap-southeast", 0, 0, 7, 0));
        WireMockServer eu = regions.get("eu-central");
        eu.stop();
        try {
            aggregator.pollOnce().block(Duration.ofSeconds(10));
        }
        finally {
            eu.start();
        }
        state()
                .jsonPath("$.regions.length()").isEqualTo(3)
                .jsonPath("$.regions[?(@.id=='us-east')].status").isEqualTo("healthy")
                .jsonPath("$.regions[?(@.id=='us-east')].reachable").isEqualTo(true)
                .jsonPath("$.regions[?(@.id=='us-east')].queues[0].sample.name").isEqualTo("simple")
                .jsonPath("$.regions[?(@.id=='us-east')].queues[0].sample.depth").isEqualTo(3)
                .jsonPath("$.regions[?(@.id=='us-east')].queues[0].sample.inFlight").isEqualTo(2)
                .jsonPath("$.regions[?(@.id=='us-east')].queues[0].sample.workers.max").isEqualTo(8)
                .jsonPath("$.regions[?(@.id=='us-east')].queues[0].sample.deadLettered").isEqualTo(1)
                .jsonPath("$.regions[?(@.id=='ap-southeast')].queues[0].sample.completed").isEqualTo(7)
                .jsonPath("$.regions[1].id").isEqualTo("eu-central")
                .jsonPath("$.regions[1].reachable").isEqualTo(false)
                .jsonPath("$.regions[1].status").isEqualTo("down")
                .jsonPath("$.regions[1].unreachableSince").isNumber()
                .jsonPath("$.regions[1].error").value(error -> assertThat(error.toString()).isNotBlank());

        reports("eu-central", queues("eu-central", 1, 1, 1, 0));
        aggregator.pollOnce().block(Duration.ofSeconds(10));
        state()
                .jsonPath("$.regions[1].reachable").isEqualTo(true)
                .jsonPath("$.regions[1].status").isEqualTo("healthy")
                .jsonPath("$.regions[1].unreachableSince").isEmpty();
    }

    void regionsListFailures() {
        regions.get("us-east").stubFor(get(urlEqualTo("/v1/tasks?limit=" + DashboardAggregator.FAILURES))
                .withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + DashboardControlIntegrationTests.TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
                        {"region":"us-east","tasks":[{"id":"us-east.01JD3X9K2M0000000000000001","tenant":"acme",
                          "queue":"simple","status":"dead_lettered","attempts":3,
                          "error":{"error":"model_error","message":"boom"},"finishedAt":"2026-11-28T08:00:02Z"}]}
                        """)));
        regions.get("ap-southeast").stubFor(get(urlEqualTo("/v1/tasks?limit=" + DashboardAggregator.FAILURES))
                .withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + DashboardControlIntegrationTests.TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
                        {"region":"ap-southeast","tasks":[{"id":"ap-southeast.01JD3X9K2M0000000000000002",
                          "tenant":"globex","queue":"complex","status":"failed","attempts":1,
                          "error":{"error":"invalid_request","message":"bad model"},
                          "finishedAt":"2026-11-28T08:00:05.5Z"}]}
                        """)));
    }

    WebTestClient.BodyContentSpec adminState() {
        return client.get().uri("/dashboard/api/state")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + DashboardControlIntegrationTests.TOKEN).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody();
    }

    @Test
    void withTheAdminTokenListsTheLatestFailuresOfAllRegionsNewestFirstAskedWithThatToken() {
        regionsListFailures();
        aggregator.pollOnce().block(Duration.ofSeconds(10));
        adminState()
                .jsonPath("$.failures.length()").isEqualTo(2)
                .jsonPath("$.failures[0].region").isEqualTo("ap-southeast")
                .jsonPath("$.failures[0].status").isEqualTo("failed")
                .jsonPath("$.failures[0].tenant").isEqualTo("globex")
                .jsonPath("$.failures[0].error.message").isEqualTo("bad model")
                .jsonPath("$.failures[1].region").isEqualTo("us-east")
                .jsonPath("$.failures[1].id").isEqualTo("us-east.01JD3X9K2M0000000000000001")
                .jsonPath("$.failures[1].tenant").isEqualTo("acme")
                .jsonPath("$.failures[1].error.error").isEqualTo("model_error");
        regions.get("us-east").verify(getRequestedFor(urlEqualTo("/v1/tasks?limit=" + DashboardAggregator.FAILURES))
                .withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + DashboardControlIntegrationTests.TOKEN)));
    }

    @Test
    void thePublicStateShowsNoTaskIdsAndNoTenantsAndAsksTheRegionsForNone() {
        regionsListFailures();
        reports("us-east", queues("us-east", 3, 2, 10, 1));
        aggregator.pollOnce().block(Duration.ofSeconds(10));
        adminState().jsonPath("$.failures.length()").isEqualTo(2);
        regions.servers().forEach(WireMockServer::resetRequests);

        aggregator.pollOnce().block(Duration.ofSeconds(10));
        String body = client.get().uri("/dashboard/api/state").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).contains("\"failures\":[]")
                .contains("\"depth\":3")
                .doesNotContain("01JD3X9K2M").doesNotContain("acme").doesNotContain("globex")
                .doesNotContain("tenant");
        regions.servers().forEach(server -> server.verify(0, getRequestedFor(urlPathEqualTo("/v1/tasks"))));
        Flux<ServerSentEvent<String>> events = client.get().uri("/dashboard/api/events")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
                })
                .getResponseBody();
        StepVerifier.create(events.take(1))
                .assertNext(event -> assertThat(event.data()).contains("\"failures\":[]").doesNotContain("01JD3X9K2M"))
                .expectComplete()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void aWrongAdminTokenIsRefusedRatherThanAnsweredWithThePublicState() {
        for (String uri : java.util.List.of("/dashboard/api/state", "/dashboard/api/events")) {
            client.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer not-the-token").exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                    .expectBody()
                    .jsonPath("$.error").isEqualTo("unauthorized")
                    .jsonPath("$.field").isEqualTo("Authorization");
        }
    }

    @Test
    void theAdminEventStreamCarriesTheFailures() {
        regionsListFailures();
        aggregator.pollOnce().block(Duration.ofSeconds(10));
        Flux<ServerSentEvent<String>> events = client.get().uri("/dashboard/api/events")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + DashboardControlIntegrationTests.TOKEN)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
                })
                .getResponseBody();
        StepVerifier.create(events.take(1))
                .assertNext(event -> assertThat(event.data()).contains("us-east.01JD3X9K2M0000000000000001"))
                .expectComplete()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void keepsAHistoryPerQueueWithCompletionsPerPoll() {
        reports("ap-southeast", queues("ap-southeast", 5, 1, 100, 2));
        aggregator.pollOnce().block(Duration.ofSeconds(10));
        reports("ap-southeast", queues("ap-southeast", 9, 4, 130, 3));
        aggregator.pollOnce().block(Duration.ofSeconds(10));

        DashboardState.QueueState simple = aggregator.state().regions().stream()
                .filter(region -> region.id().equals("ap-southeast")).findFirst().orElseThrow()
                .queues().getFirst();
        QueueHistory.Series history = simple.history();
        int last = history.at().length - 1;
        assertThat(last).isPositive();
        assertThat(history.depth()[last - 1]).isEqualTo(5);
        assertThat(history.depth()[last]).isEqualTo(9);
        assertThat(history.inFlight()[last]).isEqualTo(4);
        assertThat(history.completed()[last]).isEqualTo(30);
        assertThat(history.failed()[last]).isEqualTo(1);
    }

    @Test
    void countsRequestsPerClientCountryAndShowsTheServingRegionsLatency() {
        long before = germanRequests();
        client.post().uri("/process").header("X-Forwarded-For", GERMANY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}")
                .exchange().expectStatus().isOk();
        aggregator.pollOnce().block(Duration.ofSeconds(10));

        assertThat(germanRequests()).isEqualTo(before + 1);
        assertThat(aggregator.state().countries()).filteredOn(country -> country.code().equals("DE"))
                .singleElement().satisfies(country -> assertThat(country.latitude()).isNotNull());
        state()
                .jsonPath("$.regions[1].id").isEqualTo("eu-central")
                .jsonPath("$.regions[1].p50Millis").isNumber()
                .jsonPath("$.regions[1].p99Millis").isNumber();
    }

    long germanRequests() {
        return aggregator.pollOnce().block(Duration.ofSeconds(10)).countries().stream()
                .filter(country -> country.code().equals("DE"))
                .mapToLong(DashboardState.CountryCount::requests).sum();
    }

    @Test
    void servesThePageAndItsOwnAssetsOnly() {
        client.get().uri("/dashboard").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(html -> assertThat(html)
                        .contains("/dashboard/assets/dashboard.js")
                        .doesNotContain("http://", "https://"));
        client.get().uri("/dashboard/assets/countries-110m.json").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.type").isEqualTo("Topology");
        client.get().uri("/dashboard/assets/application.yml").exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void streamsTheStateAsServerSentEvents() {
        reports("us-east", queues("us-east", 2, 0, 1, 0));
        aggregator.pollOnce().block(Duration.ofSeconds(10));
        Flux<ServerSentEvent<String>> events = client.get().uri("/dashboard/api/events")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
                })
                .getResponseBody();
        StepVerifier.create(events.take(1))
                .assertNext(event -> {
                    assertThat(event.event()).isEqualTo("state");
                    assertThat(event.data()).contains("\"id\":\"us-east\"", "\"queues\"");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }
}
