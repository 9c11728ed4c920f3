package io.meridian.gateway.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.meridian.testing.MutableClock;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.region.RegionSpec;
import io.meridian.region.RegionsSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The checker against one WireMock task server, one check at a time (no schedule). */
class ActiveHealthCheckerTests {

    static final String READY = """
            {"status":"UP","components":{"readinessState":{"status":"UP"},"region":{"status":"UP","details":{
            "region":"us-east","version":"0.1.0-SNAPSHOT","inFlight":3,"capacity":64,"queueDepth":2}}}}""";

    static final WireMockServer server = start();

    static WireMockServer start() {
        WireMockServer wireMock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wireMock.start();
        return wireMock;
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    // A generous timeout: the first request of a test run pays for connection set-up and class
    // loading, which took over 7 s on a loaded machine. The slow-answer tests set a short one.
    final HealthProperties properties = new HealthProperties(true, Duration.ZERO, Duration.ofSeconds(20), 1, 2,
            "/actuator/health/readiness");
    RegionCatalog catalog;
    Region region;
    URI endpoint;
    HealthRegistry registry;
    ActiveHealthChecker checker;

    @BeforeEach
    void setUp() {
        server.resetAll();
        catalog = RegionCatalog.from(new RegionsSpec("test", List.of("us"), null, List.of(new RegionSpec("us-east", null,
                40.0, -74.0, List.of("http://127.0.0.1:" + server.port()), null, 64, "us"))));
        region = catalog.regions().getFirst();
        endpoint = region.primaryEndpoint();
        registry = new HealthRegistry(catalog, properties, new MutableClock());
        checker = new ActiveHealthChecker(catalog, registry, properties);
    }

    void ready() {
        server.stubFor(get("/actuator/health/readiness").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(READY)));
    }

    void checkOnce() {
        StepVerifier.create(checker.checkAll()).expectComplete().verify(Duration.ofSeconds(60));
    }

    @Test
    void aReadyAnswerKeepsTheEndpointUpAndRecordsItsLoad() {
        ready();

        checkOnce();

        assertThat(registry.isHealthy(endpoint)).isTrue();
        assertThat(registry.load(region)).isEqualTo(new LoadReport(3, 64, 2, "0.1.0-SNAPSHOT"));
    }

    @Test
    void aRegionOfAnotherMajorProtocolIsUnusableAtOnceUntilItSpeaksOursAgain() {
        server.stubFor(get("/actuator/health/readiness").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(READY.replace("\"inFlight\"", "\"protocolVersion\":\"2.0\",\"inFlight\""))));

        checkOnce();
        assertThat(registry.isHealthy(endpoint)).isFalse();
        assertThat(registry.incompatibleProtocol(region)).isEqualTo(2);

        server.stubFor(get("/actuator/health/readiness").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(READY.replace("\"inFlight\"", "\"protocolVersion\":\"1.3\",\"inFlight\""))));
        checkOnce();
        assertThat(registry.isHealthy(endpoint)).isTrue();
        assertThat(registry.incompatibleProtocol(region)).isNull();
    }

    @Test
    void twoNotReadyAnswersTakeTheEndpointDownAndOneReadyAnswerBringsItBack() {
        server.stubFor(get("/actuator/health/readiness").willReturn(aResponse().withStatus(503)
                .withBody("{\"status\":\"OUT_OF_SERVICE\"}")));

        checkOnce();
        assertThat(registry.isHealthy(endpoint)).isTrue();
        checkOnce();
        assertThat(registry.isHealthy(endpoint)).isFalse();

        ready();
        checkOnce();
        assertThat(registry.isHealthy(endpoint)).isTrue();
    }

    @Test
    void anAnswerSlowerThanTheTimeoutCountsAsAFailure() {
        server.stubFor(get("/actuator/health/readiness").willReturn(aResponse().withStatus(200).withBody(READY)
                .withFixedDelay(4_000)));
        HealthProperties oneStrike = new HealthProperties(true, Duration.ZERO, Duration.ofSeconds(1), 1, 1, properties.path());
        registry = new HealthRegistry(catalog, oneStrike, new MutableClock());
        checker = new ActiveHealthChecker(catalog, registry, oneStrike);

        checkOnce();

        assertThat(registry.isHealthy(endpoint)).isFalse();
    }

    @Test
    void anAnswerSlowerThanTheTimeoutKeepsTheEndpointUpWhileLiveRequestsThereGetTheirAnswers() {
        server.stubFor(get("/actuator/health/readiness").willReturn(aResponse().withStatus(200).withBody(READY)
                .withFixedDelay(4_000)));
        HealthProperties oneStrike = new HealthProperties(true, Duration.ZERO, Duration.ofSeconds(1), 1, 1, properties.path());
        registry = new HealthRegistry(catalog, oneStrike, new MutableClock());
        checker = new ActiveHealthChecker(catalog, registry, oneStrike);
        registry.answered(endpoint);

        checkOnce();

        assertThat(registry.isHealthy(endpoint)).as("busy, not frozen").isTrue();
    }

    @Test
    void aResetConnectionCountsAsAFailure() {
        server.stubFor(get("/actuator/health/readiness").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        checkOnce();
        checkOnce();

        assertThat(registry.isHealthy(endpoint)).isFalse();
    }

    @Test
    void aPlainReadinessAnswerWithoutDetailsIsHealthyWithNoLoad() {
        server.stubFor(get("/actuator/health/readiness").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"UP\"}")));
        registry.markDown(endpoint);

        checkOnce();

        assertThat(registry.isHealthy(endpoint)).isTrue();
        assertThat(registry.load(region)).isEqualTo(LoadReport.NONE);
    }
}
