package io.meridian.gateway.idempotency;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import io.meridian.gateway.dashboard.DashboardAggregator;
import io.meridian.gateway.dashboard.DashboardState;
import io.meridian.gateway.health.LoadReport;
import io.meridian.gateway.routing.FailoverRegionsTest;
import io.meridian.protocol.ReadinessDetails;
import io.meridian.region.Region;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Keyed requests against three WireMock regions, one gateway keeping key owners in its memory. A
 * client in Germany reaches eu-central first, then us-east, then ap-southeast; one in the US
 * reaches us-east first. The answer deadline is short (the WireMock regions report no limits, so
 * the gateway uses its default answer, here 2 s), so that a region answering after it stands for a
 * model slower than the gateway waits. Health checks do not run on a schedule: a test that
 * needs a region down reports failed checks itself, as the checker would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.interval=0s",
        "meridian.failover.deadlines.take=2s",
        "meridian.failover.deadlines.default-answer=2s",
        "meridian.failover.deadlines.sync.minimum=1s",
        "meridian.failover.deadlines.chat.minimum=1s",
        "meridian.failover.deadlines.read.answer=2s"})
class KeyedFailoverIntegrationTests extends FailoverRegionsTest {

    static final String US = "8.8.8.8";
    static final String SLOWER_THAN_THE_ATTEMPT_TIMEOUT = "4000";

    @Autowired
    DashboardAggregator dashboard;

    String key;

    /** A region that the health checks mark down as soon as it receives a /process request, or null. */
    static volatile String diesWhileHoldingARequest;

    private static boolean listening;

    @BeforeEach
    void setUp() {
        key = "order-" + UUID.randomUUID();
        diesWhileHoldingARequest = null;
        synchronized (KeyedFailoverIntegrationTests.class) {
            if (!listening) {
                listening = true;
                // WireMock keeps listeners across resets: one per region for the whole class, armed per test.
                regions.servers().forEach(server -> server.addMockServiceRequestListener((request, response) -> {
                    String dying = diesWhileHoldingARequest;
                    if (dying != null && request.getUrl().equals("/process") && server == regions.get(dying)) {
                        markDown(dying);
                    }
                }));
            }
        }
    }

    WebTestClient.ResponseSpec post(String from) {
        return client.post().uri("/process").header("X-Forwarded-For", from).header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange();
    }

    void answer(String region, ResponseDefinitionBuilder response) {
        regions.get(region).stubFor(any(anyUrl()).willReturn(response));
    }

    int processed(String region) {
        return regions.get(region).findAll(postRequestedFor(urlEqualTo("/process"))).size();
    }

    URI endpoint(String region) {
        return catalog.find(region).orElseThrow().primaryEndpoint();
    }

    void markDown(String region) {
        for (int i = 0; i < 5; i++) {
            health.recordCheck(endpoint(region), false, null);
        }
    }

    double duplicates(String from, String to) {
        Counter counter = meters.find("meridian.failover.duplicates").tags("from", from, "to", to).counter();
        return counter == null ? 0 : counter.count();
    }

    static ResponseDefinitionBuilder ok(String region) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"region\":\"" + region + "\",\"answer\":\"ok\"}");
    }

    @Test
    void aSlowKeyedPostRunsInItsFirstRegionOnlyAndTheClientIsToldToRepeatItThere() {
        answer("eu-central", ok("eu-central").withFixedDelay(Integer.parseInt(SLOWER_THAN_THE_ATTEMPT_TIMEOUT)));

        post(GERMANY).expectStatus().isEqualTo(504)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error").isEqualTo("region_timeout")
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("eu-central", "still up", "same Idempotency-Key"));

        assertThat(processed("eu-central")).isEqualTo(1);
        assertThat(processed("us-east")).isZero();
        assertThat(processed("ap-southeast")).isZero();
        assertThat(duplicates("eu-central", "us-east") + duplicates("eu-central", "ap-southeast")).isZero();
    }

    @Test
    void aRepeatGoesToTheKeysOwnerWhereverTheClientIsAndTheSlowAnswerArrives() {
        answer("eu-central", ok("eu-central").withFixedDelay(Integer.parseInt(SLOWER_THAN_THE_ATTEMPT_TIMEOUT)));
        post(GERMANY).expectStatus().isEqualTo(504);
        answer("eu-central", ok("eu-central"));

        post(US).expectStatus().isOk()
                .expectHeader().valueEquals("X-Meridian-Region", "eu-central")
                .expectBody().jsonPath("$.region").isEqualTo("eu-central");

        assertThat(processed("eu-central")).isEqualTo(2);
        assertThat(processed("us-east")).isZero();
        assertThat(processed("ap-southeast")).isZero();
    }

    @Test
    void aResetAtALiveOwnerIsRepeatedThereOnceThenAnsweredRatherThanSentToAnotherRegion() {
        answer("eu-central", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        post(GERMANY).expectStatus().isEqualTo(502)
                .expectBody()
                .jsonPath("$.error").isEqualTo("region_failed")
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("eu-central", "same Idempotency-Key"));

        assertThat(processed("eu-central")).as("the request and its one repeat to the owner").isEqualTo(2);
        assertThat(processed("us-east") + processed("ap-southeast")).isZero();
    }

    @Test
    void anOwnerThatDroppedOnlyTheConnectionAnswersTheRepeatWithTheKeysTask() {
        regions.get("eu-central").stubFor(any(anyUrl()).inScenario("dropped once").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("answering"));
        regions.get("eu-central").stubFor(any(anyUrl()).inScenario("dropped once").whenScenarioStateIs("answering")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"region\":\"eu-central\"}")));
        double before = duplicates("eu-central", "us-east");

        post(GERMANY).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "eu-central");

        assertThat(processed("eu-central")).isEqualTo(2);
        assertThat(processed("us-east") + processed("ap-southeast")).isZero();
        assertThat(duplicates("eu-central", "us-east") - before).isZero();
    }

    @Test
    void whenTheOwnerIsGoneTheRepeatGoesToOneSuccessorAndCountsADuplicate() {
        post(GERMANY).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "eu-central");
        double before = duplicates("eu-central", "us-east");
        regions.get("eu-central").stop();

        post(GERMANY).expectStatus().isOk()
                .expectHeader().valueEquals("X-Meridian-Region", "us-east");

        assertThat(duplicates("eu-central", "us-east") - before).isEqualTo(1);
        assertThat(processed("us-east")).isEqualTo(1);
        assertThat(processed("ap-southeast")).isZero();
        DashboardState state = dashboard.pollOnce().block(Duration.ofSeconds(30));
        assertThat(state.regions()).filteredOn(region -> region.id().equals("eu-central"))
                .singleElement().satisfies(region -> assertThat(region.duplicatesOut()).isGreaterThanOrEqualTo(1));
        assertThat(state.regions()).filteredOn(region -> region.id().equals("us-east"))
                .singleElement().satisfies(region -> assertThat(region.duplicatesIn()).isGreaterThanOrEqualTo(1));

        // The key now belongs to us-east: the next repeat goes there, and counts nothing more.
        post(GERMANY).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "us-east");
        assertThat(duplicates("eu-central", "us-east") - before).isEqualTo(1);
    }

    @Test
    void aKeyedRequestIsNeverSentToAThirdRegion() {
        post(GERMANY).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "eu-central");
        regions.get("eu-central").stop();
        answer("us-east", ok("us-east").withFixedDelay(Integer.parseInt(SLOWER_THAN_THE_ATTEMPT_TIMEOUT)));
        diesWhileHoldingARequest = "us-east";

        post(GERMANY).expectStatus().isEqualTo(502)
                .expectBody()
                .jsonPath("$.error").isEqualTo("region_failed")
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("eu-central", "us-east", "never sent to a third"));

        assertThat(processed("us-east")).isEqualTo(1);
        assertThat(processed("ap-southeast")).isZero();
    }

    @Test
    void aConnectFailureMovesTheClaimWithoutCountingADuplicate() {
        double before = duplicates("eu-central", "us-east");
        regions.get("eu-central").stop();

        post(GERMANY).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "us-east");
        regions.get("eu-central").start();
        for (int i = 0; i < 5; i++) {
            health.recordCheck(endpoint("eu-central"), true, LoadReport.NONE);
        }

        post(GERMANY).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "us-east");
        assertThat(processed("eu-central")).isZero();
        assertThat(duplicates("eu-central", "us-east")).isEqualTo(before);
    }

    @Test
    void aRepeatOfAKeyWhoseOwnerRestartedWithItsTasksInMemoryIsA410AndNeverRunsAgain() {
        report("eu-central", "boot-1");
        post(GERMANY).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "eu-central");
        report("eu-central", "boot-2");

        post(GERMANY).expectStatus().isEqualTo(410)
                .expectBody()
                .jsonPath("$.error").isEqualTo("task_lost")
                .jsonPath("$.field").isEqualTo("Idempotency-Key")
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("eu-central", "boot-2", "boot-1", "memory", "new Idempotency-Key"));

        assertThat(processed("eu-central")).isEqualTo(1);
        assertThat(processed("us-east") + processed("ap-southeast")).isZero();
    }

    @Test
    void aRequestCarryingTwoKeysIsRefusedBeforeAnyRegionSeesItOrAnyKeyIsClaimed() {
        answer("eu-central", ok("eu-central"));

        client.post().uri("/process").header("X-Forwarded-For", GERMANY).header("Idempotency-Key", key, key + "-other")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error").isEqualTo("invalid_header")
                .jsonPath("$.field").isEqualTo("Idempotency-Key")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains("more than one Idempotency-Key"));

        assertThat(processed("eu-central") + processed("us-east") + processed("ap-southeast")).isZero();
        // The key was not claimed for any region: sent alone from the US, it runs where it is sent.
        answer("us-east", ok("us-east"));
        post(US).expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "us-east");
    }

    @Test
    void anUnkeyedPostIsNotTiedToAnyOwner() {
        regions.get("eu-central").stop();

        client.post().uri("/process").header("X-Forwarded-For", GERMANY).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"hi\"}").exchange()
                .expectStatus().isOk().expectHeader().valueEquals("X-Meridian-Region", "us-east");
    }

    void report(String region, String epoch) {
        health.recordCheck(endpoint(region), true, new LoadReport(null, null, null, null, null,
                new ReadinessDetails.Limits(null, null, epoch, ReadinessDetails.STORE_MEMORY)));
    }
}
