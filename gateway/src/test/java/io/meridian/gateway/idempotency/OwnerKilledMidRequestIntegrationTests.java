package io.meridian.gateway.idempotency;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.failover.RegionGuards;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.gateway.routing.WireMockRegions;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A keyed request in eu-central when its process is killed, while the gateway holds other
 * kept-alive connections to it: the reset is repeated to the owner once, on a connection of its
 * own, which the dead region refuses, so the request moves to the next region as a counted
 * duplicate instead of failing on the next pooled connection that the dead region resets too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.geoip.reload-interval=0s",
        "meridian.health.interval=0s"})
class OwnerKilledMidRequestIntegrationTests {

    /** A client address the bundled GeoIP database places in Germany: eu-central, us-east, ap-southeast. */
    static final String GERMANY = "80.133.1.1";

    /** Long enough that concurrent warm-up requests each open a connection of their own. */
    static final long ANSWER_DELAY_MILLIS = 300;

    static final int WARM_CONNECTIONS = 4;

    static final WireMockRegions others = WireMockRegions.shared();

    static final DyingRegion euCentral = dyingRegion();

    static DyingRegion dyingRegion() {
        try {
            return new DyingRegion("eu-central", ANSWER_DELAY_MILLIS);
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    @DynamicPropertySource
    static void regions(DynamicPropertyRegistry registry) {
        String[][] regions = {
                {"us-east", "40.7128", "-74.0060", "us", "http://127.0.0.1:" + others.get("us-east").getOptions().portNumber()},
                {"eu-central", "50.1109", "8.6821", "eu", "http://127.0.0.1:" + euCentral.port()},
                {"ap-southeast", "1.3521", "103.8198", "apac",
                        "http://127.0.0.1:" + others.get("ap-southeast").getOptions().portNumber()}};
        for (int i = 0; i < regions.length; i++) {
            String[] region = regions[i];
            String prefix = "meridian.regions[" + i + "].";
            registry.add(prefix + "id", () -> region[0]);
            registry.add(prefix + "latitude", () -> region[1]);
            registry.add(prefix + "longitude", () -> region[2]);
            registry.add(prefix + "zone", () -> region[3]);
            registry.add(prefix + "endpoints[0]", () -> region[4]);
        }
        registry.add("meridian.default-region", () -> "us-east");
        registry.add("meridian.dashboard.poll-interval", () -> "1h");
        registry.add("meridian.dashboard.history", () -> "2h");
    }

    @AfterAll
    static void stopTheRegion() throws IOException {
        euCentral.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    HealthRegistry health;

    @Autowired
    RegionGuards guards;

    @Autowired
    RegionCatalog catalog;

    @Autowired
    MeterRegistry meters;

    @RepeatedTest(5)
    void aKeyedRequestInARegionKilledUnderItMovesToTheNextRegionOnce() throws IOException {
        euCentral.revive();
        others.resetToHealthy();
        for (Region region : catalog.regions()) {
            guards.circuit(region).reset();
            region.endpoints().forEach(endpoint -> health.recordCheck(endpoint, true, LoadReport.NONE));
        }
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();

        // Requests at once, so that the gateway keeps several connections to eu-central.
        List<Integer> warm = Flux.fromStream(IntStream.range(0, WARM_CONNECTIONS).boxed())
                .flatMap(i -> Flux.defer(() -> Flux.just(submit(client, UUID.randomUUID().toString())))
                        .subscribeOn(Schedulers.boundedElastic()), WARM_CONNECTIONS)
                .collectList().block(Duration.ofSeconds(60));
        assertThat(warm).containsOnly(200);
        assertThat(euCentral.connectionsOpened()).as("connections to eu-central").isGreaterThanOrEqualTo(2);
        double before = duplicates();

        euCentral.dieOnNextSubmit();
        int submitsBefore = euCentral.submits();
        WebTestClient.ResponseSpec answer = client.post().uri("/process").header("X-Forwarded-For", GERMANY)
                .header("Idempotency-Key", "order-" + UUID.randomUUID())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange();
        String body = answer.returnResult(String.class).getResponseBody().collectList().block(Duration.ofSeconds(30))
                .stream().reduce("", String::concat);
        assertThat(body).as("what eu-central saw:%n%s", euCentral.events()).contains("\"region\":\"us-east\"");

        assertThat(euCentral.submits() - submitsBefore).as("submits eu-central received: the one it died in").isEqualTo(1);
        assertThat(others.get("us-east").findAll(postRequestedFor(urlEqualTo("/process")))).hasSize(1);
        assertThat(duplicates() - before).as("the move counted as a possible duplicate").isEqualTo(1);
        assertThat(health.isHealthy(catalog.find("eu-central").orElseThrow()))
                .as("eu-central is down once it refused a connection").isFalse();
    }

    private static int submit(WebTestClient client, String key) {
        return client.post().uri("/process").header("X-Forwarded-For", GERMANY).header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"warm\"}").exchange()
                .expectBody(String.class).returnResult().getStatus().value();
    }

    private double duplicates() {
        Counter counter = meters.find("meridian.failover.duplicates").tags("from", "eu-central", "to", "us-east").counter();
        return counter == null ? 0 : counter.count();
    }
}
