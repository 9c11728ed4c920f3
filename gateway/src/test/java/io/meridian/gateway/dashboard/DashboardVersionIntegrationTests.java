package io.meridian.gateway.dashboard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** A region whose task servers speak another major protocol is shown unusable, and why. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.health.interval=0s",
        "meridian.dashboard.poll-interval=1h",
        "meridian.dashboard.timeout=10s"})
class DashboardVersionIntegrationTests extends RegionsIntegrationTest {

    @Autowired
    DashboardAggregator aggregator;

    @Autowired
    HealthRegistry health;

    @Autowired
    RegionCatalog catalog;

    @Test
    void marksARegionOfAnotherMajorProtocolUnusable() {
        for (String region : new String[] {"us-east", "eu-central", "ap-southeast"}) {
            regions.get(region).stubFor(get(urlEqualTo("/v1/queues")).willReturn(aResponse()
                    .withHeader("Content-Type", "application/json").withBody("{\"region\":\"" + region + "\",\"queues\":[]}")));
        }
        Region apac = catalog.regions().stream().filter(r -> r.id().equals("ap-southeast")).findFirst().orElseThrow();
        health.recordCheck(apac.primaryEndpoint(), true, new LoadReport(0, 64, 0, "9.0.0", 2));

        DashboardState state = aggregator.pollOnce().block(Duration.ofSeconds(10));

        List<DashboardState.RegionState> all = state.regions();
        DashboardState.RegionState ap = all.stream().filter(r -> r.id().equals("ap-southeast")).findFirst().orElseThrow();
        DashboardState.RegionState us = all.stream().filter(r -> r.id().equals("us-east")).findFirst().orElseThrow();
        assertThat(ap.incompatibleProtocol()).isEqualTo(2);
        assertThat(ap.status()).isEqualTo("down");
        assertThat(us.incompatibleProtocol()).isNull();
        client.get().uri("/dashboard/api/state").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.regions[?(@.id=='ap-southeast')].incompatibleProtocol").isEqualTo(2);
    }
}
