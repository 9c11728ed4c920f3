package io.meridian.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.testing.MutableClock;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.region.RegionSpec;
import io.meridian.region.RegionsSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthRegistryTests {

    final MutableClock clock = new MutableClock();
    final RegionCatalog catalog = RegionCatalog.from(new RegionsSpec("test", List.of("eu"), null, List.of(
            new RegionSpec("eu-central", null, 50.0, 8.0, List.of("http://127.0.0.1:9101", "http://127.0.0.1:9102"),
                    null, 64, "eu"))));
    final Region region = catalog.regions().getFirst();
    final URI first = region.endpoints().get(0);
    final URI second = region.endpoints().get(1);

    HealthRegistry registry(int healthy, int unhealthy) {
        return new HealthRegistry(catalog, new HealthProperties(true, Duration.ofSeconds(1), Duration.ofMillis(500),
                healthy, unhealthy, "/actuator/health/readiness"), clock);
    }

    @Test
    void anEndpointGoesDownOnlyAfterTheUnhealthyThresholdOfFailedChecks() {
        HealthRegistry registry = registry(1, 2);

        registry.recordCheck(first, false, null);
        assertThat(registry.isHealthy(first)).isTrue();
        registry.recordCheck(first, false, null);
        assertThat(registry.isHealthy(first)).isFalse();
    }

    @Test
    void aGoodCheckBetweenFailuresResetsTheCount() {
        HealthRegistry registry = registry(1, 2);

        registry.recordCheck(first, false, null);
        registry.recordCheck(first, true, null);
        registry.recordCheck(first, false, null);

        assertThat(registry.isHealthy(first)).isTrue();
    }

    @Test
    void aDownEndpointComesBackAfterTheHealthyThresholdOfGoodChecks() {
        HealthRegistry registry = registry(2, 1);
        registry.recordCheck(first, false, null);

        registry.recordCheck(first, true, null);
        assertThat(registry.isHealthy(first)).isFalse();
        registry.recordCheck(first, true, null);
        assertThat(registry.isHealthy(first)).isTrue();
    }

    @Test
    void aConnectFailureOnLiveTrafficTakesTheEndpointDownAtOnce() {
        HealthRegistry registry = registry(1, 2);

        registry.markDown(first);

        assertThat(registry.isHealthy(first)).isFalse();
        assertThat(registry.isHealthy(region)).as("the other replica is still up").isTrue();
        registry.markDown(second);
        assertThat(registry.isHealthy(region)).isFalse();
    }

    @Test
    void goingDownAtTheThresholdReleasesWhatWaitsOnTheEndpointAndOnlyThat() {
        HealthRegistry registry = registry(1, 2);
        AtomicBoolean firstDown = new AtomicBoolean();
        AtomicBoolean secondDown = new AtomicBoolean();
        registry.whenDown(first).subscribe(null, null, () -> firstDown.set(true));
        registry.whenDown(second).subscribe(null, null, () -> secondDown.set(true));

        registry.recordCheck(first, false, null);
        assertThat(firstDown).as("one failed check is below the threshold").isFalse();
        registry.recordCheck(first, false, null);

        assertThat(firstDown).isTrue();
        assertThat(secondDown).isFalse();
    }

    @Test
    void aConnectFailureOnLiveTrafficReleasesWhatWaitsOnTheEndpoint() {
        HealthRegistry registry = registry(1, 2);
        AtomicBoolean down = new AtomicBoolean();
        registry.whenDown(first).subscribe(null, null, () -> down.set(true));

        registry.markDown(first);

        assertThat(down).isTrue();
    }

    @Test
    void anAttemptStartedAfterTheEndpointCameBackWaitsForTheNextFall() {
        HealthRegistry registry = registry(1, 1);
        registry.markDown(first);
        registry.recordCheck(first, true, null);
        AtomicBoolean down = new AtomicBoolean();

        registry.whenDown(first).subscribe(null, null, () -> down.set(true));
        assertThat(down).as("the earlier fall does not count").isFalse();
        registry.recordCheck(first, false, null);

        assertThat(down).isTrue();
    }

    @Test
    void aDisabledRegistryCallsEverythingHealthy() {
        HealthRegistry registry = new HealthRegistry(catalog, new HealthProperties(false, Duration.ofSeconds(1),
                Duration.ofMillis(500), 1, 1, "/actuator/health/readiness"), clock);

        registry.markDown(first);
        registry.recordCheck(second, false, null);

        assertThat(registry.isHealthy(region)).isTrue();
        assertThat(registry.isHealthy(first)).isTrue();
    }

    @Test
    void loadIsSummedOverTheRegionsEndpoints() {
        HealthRegistry registry = registry(1, 2);
        registry.recordCheck(first, true, new LoadReport(3, 64, 1, "0.1.0"));
        registry.recordCheck(second, true, new LoadReport(5, 64, null, "0.1.0"));

        assertThat(registry.load(region)).isEqualTo(new LoadReport(8, 128, 1, "0.1.0"));
    }

    @Test
    void aStaleLoadReportIsIgnored() {
        HealthRegistry registry = registry(1, 2);
        registry.recordCheck(first, true, new LoadReport(64, 64, 0, null));
        assertThat(registry.load(region).full()).isTrue();

        clock.advance(Duration.ofSeconds(5));

        assertThat(registry.load(region)).isEqualTo(LoadReport.NONE);
    }

    @Test
    void timedOutChecksTakeDownAnEndpointWhoseLiveTrafficIsSilentToo() {
        HealthRegistry registry = registry(1, 2);
        AtomicBoolean released = new AtomicBoolean();
        registry.whenDown(first).subscribe(null, null, () -> released.set(true));

        assertThat(registry.recordCheckTimeout(first)).isFalse();
        assertThat(registry.recordCheckTimeout(first)).isFalse();

        assertThat(registry.isHealthy(first)).isFalse();
        assertThat(released).isTrue();
    }

    @Test
    void timedOutChecksKeepAnEndpointUpWhileLiveRequestsThereStillGetTheirAnswers() {
        // Two checks of 1 s interval and 0.5 s timeout: live traffic is silent after 3 s without an answer.
        HealthRegistry registry = registry(1, 2);
        registry.answered(first);

        registry.recordCheckTimeout(first);
        assertThat(registry.recordCheckTimeout(first)).as("excused by a live answer").isTrue();
        assertThat(registry.isHealthy(first)).isTrue();

        clock.advance(Duration.ofMillis(2_999));
        assertThat(registry.recordCheckTimeout(first)).isTrue();
        assertThat(registry.isHealthy(first)).isTrue();

        clock.advance(Duration.ofMillis(1));
        assertThat(registry.recordCheckTimeout(first)).isFalse();
        assertThat(registry.isHealthy(first)).as("silent for as long as the checks take").isFalse();
        assertThat(registry.isHealthy(second)).as("another endpoint's checks are its own").isTrue();
    }

    @Test
    void aCheckThatFailedOtherThanByTimingOutCountsWhateverLiveTrafficSays() {
        HealthRegistry registry = registry(1, 2);
        registry.answered(first);

        registry.recordCheck(first, false, null);
        registry.recordCheck(first, false, null);

        assertThat(registry.isHealthy(first)).isFalse();
    }

    @Test
    void aGoodCheckBetweenTimeoutsResetsTheCount() {
        HealthRegistry registry = registry(1, 2);

        registry.recordCheckTimeout(first);
        registry.recordCheck(first, true, null);
        registry.recordCheckTimeout(first);

        assertThat(registry.isHealthy(first)).isTrue();
    }
}
