package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.meridian.gateway.forwarding.CallKind;
import io.meridian.gateway.forwarding.Deadline;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.protocol.ReadinessDetails;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CallDeadlinesTests {

    final MutableClock clock = new MutableClock();
    final RegionCatalog catalog = Regions.catalog(1, 4);
    final Region region = catalog.regions().getFirst();
    final URI endpoint = region.primaryEndpoint();
    final HealthRegistry health = new HealthRegistry(catalog, HealthAwareCandidateSelectorTests.HEALTH, clock);
    final CallDeadlines deadlines = new CallDeadlines(FailoverConfiguration.defaultDeadlines(), health, 0.8);
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(CallDeadlines.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
    }

    void regionSays(Long syncWaitMillis) {
        health.recordCheck(endpoint, true, new LoadReport(0, 4, 0, "0.1.0", null,
                new ReadinessDetails.Limits(syncWaitMillis, 60_000L, "e1", ReadinessDetails.STORE_MEMORY)));
    }

    Duration answer(CallKind kind) {
        return deadlines.of(kind, region, endpoint).answer();
    }

    @Test
    void aModelCallToARegionThatGaveNoLimitsWaitsLongerThanATaskServersDefaultSyncWait() {
        assertThat(answer(CallKind.SYNC)).isEqualTo(Duration.ofSeconds(45)).isGreaterThan(Duration.ofSeconds(30));
        assertThat(answer(CallKind.CHAT)).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aModelCallWaitsTheRegionsSyncWaitPlusTheGrace() {
        regionSays(90_000L);

        assertThat(answer(CallKind.SYNC)).isEqualTo(Duration.ofSeconds(95));
        assertThat(answer(CallKind.CHAT)).isEqualTo(Duration.ofSeconds(95));
        assertThat(logged.list).isEmpty();
    }

    @Test
    void aShortSyncWaitStillGetsTheMinimum() {
        regionSays(1_000L);

        assertThat(answer(CallKind.SYNC)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aSyncWaitBeyondTheCeilingIsCutThereWithOneWarningPerRegionAndValue() {
        regionSays(Duration.ofMinutes(20).toMillis());

        assertThat(answer(CallKind.SYNC)).isEqualTo(Duration.ofMinutes(10));
        assertThat(answer(CallKind.SYNC)).isEqualTo(Duration.ofMinutes(10));
        assertThat(logged.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("'r0'", "PT20M", "meridian.tasks.sync-wait",
                    "meridian.failover.deadlines.sync.ceiling", "PT10M");
        });

        regionSays(Duration.ofMinutes(30).toMillis());
        answer(CallKind.SYNC);
        assertThat(logged.list).as("a new value is worth a new warning").hasSize(2);
    }

    @Test
    void readsHaveAFixedAnswerDeadlineAndStreamsTheTakeToTheirFirstByteThenOnlyAnIdleLimit() {
        regionSays(Duration.ofMinutes(5).toMillis());

        assertThat(answer(CallKind.READ)).isEqualTo(Duration.ofSeconds(10));
        Deadline stream = deadlines.of(CallKind.CHAT_STREAM, region, endpoint);
        assertThat(stream.answer()).isEqualTo(stream.take()).isEqualTo(Duration.ofSeconds(10));
        assertThat(stream.idle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(deadlines.of(CallKind.EVENTS, region, endpoint).answer()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aCallIsSlowPastItsShareOfItsOwnAnswerDeadline() {
        regionSays(Duration.ofMinutes(2).toMillis());

        assertThat(deadlines.slowAfterMillis(deadlines.of(CallKind.SYNC, region, endpoint))).isEqualTo(100_000);
        assertThat(deadlines.slowAfterMillis(deadlines.of(CallKind.READ, region, endpoint))).isEqualTo(8_000);
    }
}
