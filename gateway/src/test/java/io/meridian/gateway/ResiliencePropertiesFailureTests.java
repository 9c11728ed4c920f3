package io.meridian.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Wrong failover, circuit-breaker and health settings stop start-up with one line naming the property. */
class ResiliencePropertiesFailureTests {

    @Test
    void aZeroAttemptTimeoutIsReadAsTheTakeDeadlineAndStopsStartUpWithOneLine() {
        Throwable failure = ConfigurationFailureAnalyzerTests.startWith("--server.port=0",
                "--meridian.failover.attempt-timeout=0s");

        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo("meridian.failover.deadlines.take: must be positive, but was PT0S");
    }

    @Test
    void anAnswerCeilingBelowTheTakeDeadlineStopsStartUpWithOneLine() {
        Throwable failure = ConfigurationFailureAnalyzerTests.startWith("--server.port=0",
                "--meridian.failover.deadlines.take=1m", "--meridian.failover.deadlines.sync.ceiling=50s");

        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo("meridian.failover.deadlines.sync.ceiling: must not be shorter "
                + "than meridian.failover.deadlines.take (PT1M), but was PT50S");
    }

    @Test
    void aNegativeHealthIntervalStopsStartUpWithOneLine() {
        Throwable failure = ConfigurationFailureAnalyzerTests.startWith("--server.port=0", "--meridian.health.interval=-1s");

        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo("meridian.health.interval: must not be negative, but was PT-1S");
    }
}
