package io.meridian.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.protocol.ReadinessDetails;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LoadReportTests {

    @Test
    void readsTheRegionDetailsOfATaskServersReadinessAnswer() {
        String body = """
                {"status":"UP","components":{"readinessState":{"status":"UP"},"region":{"status":"UP","details":{
                "region":"us-east","backend":"simulated","model":"simulated","version":"0.1.0-SNAPSHOT",
                "protocolVersion":"1.0","inFlight":3,"capacity":64,"queueDepth":0}}}}""";

        assertThat(LoadReport.parse(body)).isEqualTo(new LoadReport(3, 64, 0, "0.1.0-SNAPSHOT", 1));
    }

    @Test
    void readsTheLimitsARegionGivesForItsAnswersAndItsTasks() {
        String body = """
                {"status":"UP","components":{"region":{"status":"UP","details":{"region":"eu-central",
                "syncWaitMillis":30000,"modelTimeoutMillis":60000,"epoch":"K3F9QZ","store":"memory"}}}}""";

        assertThat(LoadReport.parse(body).limits())
                .isEqualTo(new ReadinessDetails.Limits(30_000L, 60_000L, "K3F9QZ", ReadinessDetails.STORE_MEMORY));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {"1|1", "'\"1.0\"'|1", "'\"2.11\"'|2", "'\"two\"'|", "'null'|"})
    void readsTheMajorProtocolVersion(String json, Integer major) {
        String body = "{\"components\":{\"region\":{\"details\":{\"protocolVersion\":" + json + "}}}}";

        assertThat(LoadReport.parse(body).protocol()).isEqualTo(major);
    }

    @Test
    void toleratesMissingAndMistypedFields() {
        String body = """
                {"status":"UP","components":{"region":{"details":{"inFlight":"many","capacity":64}}}}""";

        assertThat(LoadReport.parse(body)).isEqualTo(new LoadReport(null, 64, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"status\":\"UP\"}", "[1,2]", "{\"components\":{\"region\":{\"details\":7}}}"})
    void anAnswerWithoutDetailsReportsNothing(String body) {
        assertThat(LoadReport.parse(body)).isEqualTo(LoadReport.NONE);
    }

    @Test
    void isFullOnlyWhenInFlightReachesCapacity() {
        assertThat(new LoadReport(63, 64, 0, null).full()).isFalse();
        assertThat(new LoadReport(64, 64, 0, null).full()).isTrue();
        assertThat(new LoadReport(null, 64, 0, null).full()).isFalse();
    }
}
