package io.meridian.gateway.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meridian.gateway.health.LoadReport;
import io.meridian.protocol.ReadinessDetails;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Calls as long as real models take, against the WireMock regions: non-streamed calls longer than
 * every old timeout (8 s slow call, 10 s attempt timeout) succeed, a stream must start within the
 * take deadline, an answer deadline follows what the region reports, and a region taken down while
 * a call waits releases it at once. The take deadline is 3 s here so that the late streams fail
 * quickly; health checks do not run on a schedule, the tests report check results themselves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.interval=0s",
        "meridian.failover.deadlines.take=3s",
        "meridian.failover.deadlines.grace=1s",
        "meridian.failover.deadlines.sync.minimum=1s"})
class LongCallIntegrationTests extends FailoverRegionsTest {

    /** Longer than the old 10 s attempt timeout and 8 s slow-call duration. */
    static final int LONG_MODEL_CALL_MILLIS = 12_000;

    /**
     * How long a call may take to reach its region: the first one in a cold gateway on a loaded
     * machine took over 30 s. A bound, not a measurement; the calls hold longer (60 s) at the region.
     */
    static final Duration REACHES_THE_REGION = Duration.ofSeconds(90);

    @BeforeEach
    void longCallsWaitLongEnough() {
        // Long enough for every long call here, shorter than the frozen region's hold below.
        client = client.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    }

    void answer(String region, ResponseDefinitionBuilder response) {
        regions.get(region).stubFor(any(anyUrl()).willReturn(response));
    }

    URI endpoint(String id) {
        return catalog.find(id).orElseThrow().primaryEndpoint();
    }

    WebTestClient.RequestBodySpec post(String path) {
        return client.post().uri(path).header("X-Forwarded-For", GERMANY).contentType(MediaType.APPLICATION_JSON);
    }

    long attempts(String region, String outcome) {
        Timer timer = meters.find("meridian.region.attempt").tags("region", region, "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void aSyncCallLongerThanEveryOldTimeoutIsAnsweredByItsRegion() {
        answer("eu-central", aResponse().withStatus(200).withFixedDelay(LONG_MODEL_CALL_MILLIS)
                .withHeader("Content-Type", "application/json").withBody("{\"region\":\"eu-central\",\"answer\":\"42\"}"));

        post("/process").bodyValue("{\"query\":\"a long answer\"}").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central")
                .expectHeader().valueEquals("X-Meridian-Failovers", "0")
                .expectBody().jsonPath("$.answer").isEqualTo("42");

        CircuitBreaker.Metrics circuit = guards.circuit(catalog.find("eu-central").orElseThrow()).getMetrics();
        assertThat(circuit.getNumberOfSlowCalls()).as("12 s is not slow for a 45 s answer deadline").isZero();
    }

    @Test
    void aNonStreamedChatCompletionLongerThanEveryOldTimeoutIsAnswered() {
        answer("eu-central", aResponse().withStatus(200).withFixedDelay(LONG_MODEL_CALL_MILLIS)
                .withHeader("Content-Type", "application/json").withBody("{\"choices\":[]}"));

        post("/v1/chat/completions").bodyValue("{\"model\":\"m\",\"messages\":[],\"stream\":false}").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central");
    }

    @Test
    void aTasksEventStreamWhoseFirstByteComesAfterTheTakeDeadlineFails() {
        long before = attempts("us-east", "timeout");
        answer("us-east", aResponse().withStatus(200).withFixedDelay(8_000)
                .withHeader("Content-Type", "text/event-stream").withBody("event: done\ndata: {}\n\n"));

        client.get().uri("/v1/tasks/us-east.01JD3X9K2M/events").header("X-Forwarded-For", GERMANY).exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error").isEqualTo("no_region_available");

        assertThat(attempts("us-east", "timeout")).isEqualTo(before + 1);
    }

    @Test
    void aStreamedChatCompletionWhoseFirstByteComesAfterTheTakeDeadlineFails() {
        answer("eu-central", aResponse().withStatus(200).withFixedDelay(8_000)
                .withHeader("Content-Type", "text/event-stream").withBody("data: {}\n\n"));

        post("/v1/chat/completions").bodyValue("{\"model\":\"m\",\"stream\": true,\"messages\":[]}").exchange()
                .expectStatus().isEqualTo(502)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("region_failed")
                .jsonPath("$.error.type").isEqualTo("server_error")
                .jsonPath("$.error.message").value(message -> assertThat((String) message)
                        .contains("eu-central", "did not start answering in time"));
    }

    @Test
    void theAnswerDeadlineFollowsTheSyncWaitTheRegionReports() {
        // 1 s sync wait + 1 s grace: the region's own answer is overdue after 2 s.
        health.recordCheck(endpoint("eu-central"), true, new LoadReport(0, 64, 0, "0.1.0", null,
                new ReadinessDetails.Limits(1_000L, 60_000L, "e1", ReadinessDetails.STORE_MEMORY)));
        answer("eu-central", aResponse().withStatus(200).withFixedDelay(8_000).withBody("{\"region\":\"eu-central\"}"));

        // With the default answer (45 s) the region's answer at 8 s would be a 200. The key's owner,
        // eu-central, is alive, so the key stays there: the client hears that it timed out.
        post("/process").header("Idempotency-Key", "deadline-follows-region").bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isEqualTo(504)
                .expectBody().jsonPath("$.error").isEqualTo("region_timeout")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains("eu-central"));
        assertThat(WireMockRegions.clientRequests(regions.get("us-east"))).isZero();
    }

    @Test
    void aRegionTakenDownWhileACallWaitsReleasesItAtOnceWithAnErrorThatSaysItMayHaveRun() throws Exception {
        // Held longer than the call's answer deadline (45 s, the region gave no limits): without the
        // release the call would end as a timeout, not as region_down.
        answer("eu-central", aResponse().withStatus(200).withFixedDelay(60_000).withBody("{\"region\":\"eu-central\"}"));
        CompletableFuture<EntityExchangeResult<String>> call = CompletableFuture.supplyAsync(() ->
                post("/process").bodyValue("{\"query\":\"hi\"}").exchange().expectBody(String.class).returnResult());
        await().atMost(REACHES_THE_REGION).until(() -> WireMockRegions.clientRequests(regions.get("eu-central")) == 1);

        for (int i = 0; i < 3; i++) {
            health.recordCheck(endpoint("eu-central"), false, null);
        }

        EntityExchangeResult<String> result = call.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.getStatus().value()).isEqualTo(502);
        assertThat(result.getResponseBody()).contains("\"error\":\"region_failed\"", "region 'eu-central' was marked down",
                "may have accepted and run the request", "not re-sent", "Idempotency-Key");
        assertThat(attempts("eu-central", "region_down")).isPositive();
    }

    @Test
    void aKeyedCallReleasedByARegionTakenDownIsResentToTheNext() throws Exception {
        answer("eu-central", aResponse().withStatus(200).withFixedDelay(60_000).withBody("{\"region\":\"eu-central\"}"));
        CompletableFuture<EntityExchangeResult<String>> call = CompletableFuture.supplyAsync(() ->
                post("/process").header("Idempotency-Key", "released-and-resent").bodyValue("{\"query\":\"hi\"}")
                        .exchange().expectBody(String.class).returnResult());
        await().atMost(REACHES_THE_REGION).until(() -> WireMockRegions.clientRequests(regions.get("eu-central")) == 1);

        health.markDown(endpoint("eu-central"));

        EntityExchangeResult<String> result = call.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.getStatus().value()).isEqualTo(200);
        assertThat(result.getResponseHeaders().getFirst(GeoRoutingFilter.REGION_HEADER)).isEqualTo("us-east");
    }

    @Test
    void aHeldCallWhoseConnectionDiesEndsThenAsAReset() throws Exception {
        // A region that takes the request, holds it, and drops the connection when the test says.
        WireMockServerPort frozen = WireMockServerPort.take(regions.get("eu-central"));
        CountDownLatch drop = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        Thread region = Thread.ofVirtual().start(() -> {
            try (Socket socket = frozen.server.accept()) {
                socket.getInputStream().read(new byte[8192]);
                received.incrementAndGet();
                drop.await();
                socket.setSoLinger(true, 0);
            } catch (Exception ex) {
                // The test fails on its own assertions.
            }
        });
        try {
            CompletableFuture<EntityExchangeResult<String>> call = CompletableFuture.supplyAsync(() ->
                    post("/process").bodyValue("{\"query\":\"hi\"}").exchange().expectBody(String.class).returnResult());
            await().atMost(REACHES_THE_REGION).until(() -> received.get() == 1);

            drop.countDown();

            EntityExchangeResult<String> result = call.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(result.getStatus().value()).isEqualTo(502);
            assertThat(result.getResponseBody()).contains("region_failed", "region 'eu-central' closed the connection");
        } finally {
            drop.countDown();
            region.join(Duration.ofSeconds(10));
            frozen.giveBack();
        }
    }

    /** A stopped WireMock region's port, held by a plain server socket until given back. */
    static final class WireMockServerPort {

        final com.github.tomakehurst.wiremock.WireMockServer wireMock;
        final ServerSocket server;

        private WireMockServerPort(com.github.tomakehurst.wiremock.WireMockServer wireMock, ServerSocket server) {
            this.wireMock = wireMock;
            this.server = server;
        }

        static WireMockServerPort take(com.github.tomakehurst.wiremock.WireMockServer wireMock) throws Exception {
            int port = wireMock.port();
            wireMock.stop();
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("127.0.0.1", port));
            return new WireMockServerPort(wireMock, server);
        }

        void giveBack() throws Exception {
            server.close();
            wireMock.start();
        }
    }
}
