package io.meridian.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contract between the gateway and the task servers: each type written by one side is read
 * back the same by the other (format, then parse), and each parser refuses what the other side
 * never writes.
 */
class ProtocolContractTests {

    // Protocol version

    @Test
    void theCurrentVersionRoundTripsThroughItsHeaderValue() {
        assertThat(ProtocolVersion.CURRENT.toString()).isEqualTo("1.0");
        assertThat(ProtocolVersion.parse(ProtocolVersion.CURRENT.toString())).contains(ProtocolVersion.CURRENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.0", " 1.7 ", "0001.0"})
    void aVersionOfTheSameMajorIsCompatible(String text) {
        assertThat(ProtocolVersion.parse(text)).hasValueSatisfying(
                version -> assertThat(ProtocolVersion.CURRENT.compatibleWith(version)).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.0", "0.9", "3"})
    void aVersionOfAnotherMajorIsIncompatible(String text) {
        assertThat(ProtocolVersion.parse(text)).hasValueSatisfying(
                version -> assertThat(ProtocolVersion.CURRENT.compatibleWith(version)).isFalse());
    }

    @ParameterizedTest
    @ValueSource(strings = {"one", "1.x", "1.0.0", "", " ", "99999.0", "-1.0", "+1", "1.", ".1", "１.0"})
    void whatIsNotMajorDotMinorIsNotAVersion(String text) {
        assertThat(ProtocolVersion.parse(text)).isEmpty();
    }

    @Property
    void everyVersionRoundTrips(@ForAll @IntRange(max = 9999) int major, @ForAll @IntRange(max = 9999) int minor) {
        ProtocolVersion version = new ProtocolVersion(major, minor);

        assertThat(ProtocolVersion.parse(version.toString())).contains(version);
    }

    @Property
    void anyTextParsesToAVersionThatPrintsBackToItsDigits(@ForAll String text) {
        ProtocolVersion.parse(text).ifPresent(version -> {
            String stripped = text.strip();
            assertThat(stripped).matches("[0-9]{1,4}(\\.[0-9]{1,4})?");
            assertThat(version.major()).isEqualTo(Integer.parseInt(stripped.split("\\.")[0]));
        });
    }

    // Region and task ids

    @ParameterizedTest
    @ValueSource(strings = {"us-east", "eu-central", "ap-southeast-2", "a"})
    void regionIdsOfTheConfigurationsAreValid(String id) {
        assertThat(RegionId.isValid(id)).isTrue();
        assertThat(id).matches(RegionId.PATTERN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "US-east", "1east", "-east", "us_east", "us.east", "us east", "é"})
    void whatIsNotARegionIdIsRefused(String id) {
        assertThat(RegionId.isValid(id)).isFalse();
    }

    @Test
    void aRegionIdIsAtMost63Characters() {
        assertThat(RegionId.isValid("a".repeat(63))).isTrue();
        assertThat(RegionId.isValid("a".repeat(64))).isFalse();
    }

    @Property
    void theRegionIdCheckAgreesWithItsPattern(@ForAll("regionLike") String text) {
        assertThat(RegionId.isValid(text)).isEqualTo(text.matches(RegionId.PATTERN));
    }

    @Property
    void theTenantIdCheckAgreesWithItsPattern(@ForAll("regionLike") String text) {
        assertThat(TenantId.isValid(text)).isEqualTo(text.matches(TenantId.PATTERN));
    }

    @Provide
    Arbitrary<String> regionLike() {
        return Arbitraries.strings().withChars("az09-_.A").ofMinLength(0).ofMaxLength(70)
                .injectDuplicates(0.1).edgeCases(edges -> edges.add("a".repeat(63)).add("a".repeat(64)));
    }

    @Test
    void aMintedTaskIdRoundTripsAndNamesItsRegion() {
        TaskId id = TaskId.next("eu-central", Instant.parse("2026-01-01T00:00:00Z"), new Random(7));

        assertThat(id.token()).hasSize(26).matches(TaskId.TOKEN_PATTERN);
        assertThat(TaskId.parse(id.toString())).isEqualTo(id);
        assertThat(TaskId.tryParse(id.toString())).contains(id);
        assertThat(id.region()).isEqualTo("eu-central");
    }

    @Test
    void aTaskIdMintedInAnEpochNamesItAndRoundTrips() {
        String epoch = TaskId.newEpoch(new Random(3));
        TaskId id = TaskId.next("eu-central", Instant.parse("2026-01-01T00:00:00Z"), new Random(7), epoch);

        assertThat(TaskId.isEpoch(epoch)).isTrue();
        assertThat(id.token()).hasSize(33).matches(TaskId.TOKEN_PATTERN).endsWith("_" + epoch);
        assertThat(TaskId.parse(id.toString())).isEqualTo(id);
        assertThat(TaskId.parse(id.toString()).epoch()).contains(epoch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"01JDQ3W5ZK8Y4T6V0A7M2N9PQR", "01JDQ3W5ZK8Y4T6V0A7M2N9PQR_K3F9Q", "01JDQ3W5ZK8Y4T6V0A7M2N9PQRXK3F9QZ",
            "01JDQ3W5ZK8Y4T6V0A7M2N9PQR_k3f9qz", "01JDQ3W5ZK8Y4T6V0A7M2N9PQR_K3F9QU", "01JD3X9K2M_K3F9QZ",
            "01JDQ3W5ZK8Y4T6V0A7M2N9PQRA_K3F9QZ"})
    void aTokenWithoutAnEpochSuffixHasNoEpochAndIsStillAnId(String token) {
        TaskId id = TaskId.parse("us-east." + token);

        assertThat(id.epoch()).isEmpty();
    }

    @Test
    void anEpochIsSixCrockfordCharacters() {
        assertThat(TaskId.isEpoch("K3F9QZ")).isTrue();
        assertThat(TaskId.isEpoch("K3F9Q")).isFalse();
        assertThat(TaskId.isEpoch("K3F9QI")).isFalse();
        assertThat(TaskId.isEpoch("k3f9qz")).isFalse();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TaskId.next("us-east", Instant.EPOCH, new Random(1), "nope"))
                .withMessage("epoch must be 6 Crockford base32 characters (0-9 and A-Z without I, L, O, U), but was 'nope'");
    }

    @Property
    void aTaskServerNeverMintsAnIdInAnEpochTheGatewayCannotRouteBack(@ForAll("regionIds") String region,
            @ForAll long seed, @ForAll @LongRange(min = 0, max = 1L << 47) long millis) {
        String epoch = TaskId.newEpoch(new Random(seed));
        TaskId id = TaskId.next(region, Instant.ofEpochMilli(millis), new Random(seed), epoch);

        assertThat(TaskId.tryParse(id.toString())).contains(id);
        assertThat(id.epoch()).contains(epoch);
    }

    @Test
    void idsSortByCreationTime() {
        Random random = new Random(1);
        TaskId earlier = TaskId.next("us-east", Instant.ofEpochMilli(1_000), random);
        TaskId later = TaskId.next("us-east", Instant.ofEpochMilli(2_000), random);

        assertThat(earlier.token()).isLessThan(later.token());
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east", ".abcdefg", "US.abcdefg", "us-east.abc", "us-east.abc/def", "us-east." + "a"})
    void aMalformedTaskIdIsRefusedNamingTheRule(String text) {
        assertThat(TaskId.tryParse(text)).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> TaskId.parse(text))
                .withMessageContaining("id must be '<region>.<token>'");
    }

    @Property
    void everyValidTaskIdRoundTrips(@ForAll("regionIds") String region, @ForAll("tokens") String token) {
        TaskId id = new TaskId(region, token);

        assertThat(TaskId.parse(id.toString())).isEqualTo(id);
    }

    @Property
    void aTaskServerNeverMintsAnIdTheGatewayCannotRouteBack(@ForAll("regionIds") String region, @ForAll long seed,
            @ForAll @LongRange(min = 0, max = 1L << 47) long millis) {
        TaskId id = TaskId.next(region, Instant.ofEpochMilli(millis), new Random(seed));

        assertThat(TaskId.tryParse(id.toString())).contains(id);
    }

    @Provide
    Arbitrary<String> regionIds() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-").ofMaxLength(62)
                .map(rest -> "r" + rest);
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.strings().withChars("abcXYZ019_-").ofMinLength(6).ofMaxLength(64);
    }

    // Usage report

    @Test
    void theUsageHeaderAndCommentRoundTrip() {
        UsageReport usage = new UsageReport(20, 25);

        assertThat(usage.header()).isEqualTo("prompt=20, completion=25");
        assertThat(usage.comment()).isEqualTo("meridian-usage prompt=20 completion=25");
        assertThat(UsageReport.parse(usage.header())).contains(usage);
        assertThat(UsageReport.inStream("data: {}\n\n" + usage.commentLine() + "\ndata: [DONE]\n\n")).contains(usage);
        assertThat(UsageReport.inStream(": meridian-usage prompt=20 completion=25\n")).contains(usage);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "prompt=1", "prompt=1, completion=", "prompt=1, completion=x", "prompt=-1, completion=2",
            "prompt=1, prompt=2, completion=3", "prompt=1 completion=2x", "prompt=1234567890123, completion=1"})
    void aUsageHeaderThatDoesNotNameBothCountsOnceIsUnreadable(String text) {
        assertThat(UsageReport.parse(text)).isEmpty();
    }

    @Test
    void countsALaterVersionAddsAreSkipped() {
        assertThat(UsageReport.parse("prompt=3, cached=9, completion=4")).contains(new UsageReport(3, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data: {\"content\":\"meridian-usage prompt=1 completion=2\"}\n",
            "x:meridian-usage prompt=1 completion=2\n", ":meridian-usageprompt=1 completion=2\n"})
    void onlyACommentLineCarriesStreamUsage(String chunk) {
        assertThat(UsageReport.inStream(chunk)).isEmpty();
    }

    @Property
    void everyUsageReportRoundTripsThroughBothCarriers(@ForAll @LongRange(max = 999_999_999_999L) long prompt,
            @ForAll @LongRange(max = 999_999_999_999L) long completion) {
        UsageReport usage = new UsageReport(prompt, completion);

        assertThat(UsageReport.parse(usage.header())).contains(usage);
        assertThat(UsageReport.inStream(usage.commentLine())).contains(usage);
        assertThat(UsageReport.parse(usage.header()).orElseThrow().total()).isEqualTo(prompt + completion);
    }

    @Property
    void anyTextEitherParsesToNonNegativeCountsOrNothing(@ForAll @StringLength(max = 60) String text) {
        UsageReport.parse(text).ifPresent(usage -> assertThat(usage.total()).isNotNegative());
        UsageReport.inStream(text);
    }

    // Error body and JSON strings

    @Test
    void anErrorBodyRoundTrips() {
        ErrorBody error = new ErrorBody(ErrorCodes.QUERY_TOO_LONG, "query must be at most 32000 characters, but had 40000",
                "query", 400);

        assertThat(error.toJson()).isEqualTo("{\"error\":\"query_too_long\",\"message\":\"query must be at most 32000 "
                + "characters, but had 40000\",\"field\":\"query\",\"status\":400}");
        assertThat(ErrorBody.parse(error.toJson())).contains(error);
    }

    @Test
    void anErrorBodyWithoutAFieldSaysNull() {
        ErrorBody error = new ErrorBody(ErrorCodes.OVERLOADED, "at capacity", null, 503);

        assertThat(error.toJson()).contains("\"field\":null");
        assertThat(ErrorBody.parse(error.toJson())).contains(error);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"error\":\"x\"}", "{\"error\":\"x\",\"message\":\"m\",\"field\":1,\"status\":400}",
            "{\"error\":\"x\",\"message\":\"m\",\"field\":null,\"status\":99}", "{\"error\":\"x\",\"message\":\"m\",\"status\":400} x",
            "{\"error\":\"x\",\"error\":\"y\",\"message\":\"m\",\"status\":400}"})
    void whatIsNotAnErrorDocumentIsUnreadable(String json) {
        assertThat(ErrorBody.parse(json)).isEmpty();
    }

    @Test
    void aMessageThatTriesToCloseItsStringStaysInIt() {
        String hostile = "x\",\"error\":\"forged\\\n\u2028\u0000\ud800";
        String json = new ErrorBody(ErrorCodes.INVALID_HEADER, hostile, "X-Meridian-Tenant", 400).toJson();

        assertThat(json).doesNotContain("\n").doesNotContain("\u2028").doesNotContain("\u0000");
        assertThat(ErrorBody.parse(json)).hasValueSatisfying(error -> {
            assertThat(error.error()).isEqualTo(ErrorCodes.INVALID_HEADER);
            assertThat(error.message()).isEqualTo(hostile);
        });
    }

    @Property
    void everyStringSurvivesQuotingAndReading(@ForAll String text) {
        String quoted = Json.quote(text);

        assertThat(quoted).doesNotContainPattern("[\\x00-\\x1f\\u2028\\u2029]");
        assertThat(Json.readFlatObject("{\"s\":" + quoted + "}"))
                .hasValueSatisfying(members -> assertThat(members.get("s")).contains(text));
    }

    @Property
    void everyErrorBodyRoundTrips(@ForAll String code, @ForAll String message, @ForAll String field,
            @ForAll @IntRange(min = 400, max = 599) int status, @ForAll boolean withField) {
        ErrorBody error = new ErrorBody(code, message, withField ? field : null, status);

        assertThat(ErrorBody.parse(error.toJson())).contains(error);
    }

    @Test
    void aReasonPhraseBecomesACode() {
        assertThat(ErrorCodes.fromReasonPhrase("I'm a teapot")).isEqualTo("i_m_a_teapot");
        assertThat(ErrorCodes.fromReasonPhrase("Service Unavailable")).isEqualTo("service_unavailable");
    }

    // Readiness details

    @Test
    void readinessDetailsRoundTripThroughTheMapATaskServerWrites() {
        ReadinessDetails details = new ReadinessDetails("us-east", "simulated", "simulated", "0.1.0-SNAPSHOT",
                ProtocolVersion.CURRENT, 3, 64, 0, new ReadinessDetails.Limits(30_000L, 60_000L, "K3F9QZ",
                        ReadinessDetails.STORE_MEMORY));

        Map<String, Object> written = details.toMap();

        assertThat(written).containsEntry(ReadinessDetails.PROTOCOL_VERSION, "1.0")
                .containsEntry(ReadinessDetails.IN_FLIGHT, 3)
                .containsEntry(ReadinessDetails.SYNC_WAIT_MILLIS, 30_000L)
                .containsEntry(ReadinessDetails.STORE, "memory");
        assertThat(ReadinessDetails.fromMap(written)).isEqualTo(details);
    }

    @Test
    void readinessDetailsOfTheWrongTypeAreLeftOut() {
        Map<String, Object> read = new HashMap<>();
        read.put(ReadinessDetails.IN_FLIGHT, "many");
        read.put(ReadinessDetails.CAPACITY, 64L);
        read.put(ReadinessDetails.QUEUE_DEPTH, 1L << 40);
        read.put(ReadinessDetails.PROTOCOL_VERSION, 2);
        read.put(ReadinessDetails.VERSION, 7);
        read.put(ReadinessDetails.SYNC_WAIT_MILLIS, -5L);
        read.put(ReadinessDetails.MODEL_TIMEOUT_MILLIS, "a minute");

        assertThat(ReadinessDetails.fromMap(read)).isEqualTo(
                new ReadinessDetails(null, null, null, null, new ProtocolVersion(2, 0), null, 64, null));
        assertThat(ReadinessDetails.fromMap(Map.of(ReadinessDetails.PROTOCOL_VERSION, "two")).protocolMajor()).isEmpty();
    }

    // Queue snapshot and failed-task view: written by a task server's mapper, read by the gateway's

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Test
    void aQueueSnapshotRoundTripsThroughJsonUnderItsMemberNames() {
        QueueSnapshot snapshot = new QueueSnapshot("simple", "qwen3", 7, 100, 2, new QueueSnapshot.Workers(2, 1, 8),
                40, 3, 5, 1, 2, new QueueSnapshot.Rates(1.5, 0.25, 0.5, 0), true);

        String json = MAPPER.writeValueAsString(snapshot);

        assertThat(MAPPER.readTree(json).propertyNames()).containsExactlyInAnyOrder("name", "model", "depth",
                "maxDepth", "inFlight", "workers", "completed", "failed", "retried", "deadLettered", "cancelled",
                "rates", "paused");
        assertThat(MAPPER.readValue(json, QueueSnapshot.class)).isEqualTo(snapshot);
    }

    @Test
    void aQueueSnapshotFromATaskServerWithoutRatesOrPausedStillReads() {
        String json = "{\"name\":\"simple\",\"model\":\"qwen3\",\"depth\":1,\"maxDepth\":10,\"inFlight\":0,"
                + "\"workers\":{\"current\":1,\"min\":1,\"max\":2},\"completed\":0,\"failed\":0,\"retried\":0,"
                + "\"deadLettered\":0,\"cancelled\":0}";

        QueueSnapshot snapshot = MAPPER.readValue(json, QueueSnapshot.class);

        assertThat(snapshot.rates()).isNull();
        assertThat(snapshot.paused()).isNull();
        assertThat(snapshot.workers()).isEqualTo(new QueueSnapshot.Workers(1, 1, 2));
    }

    @Test
    void aFailedTaskRoundTripsThroughJsonUnderItsMemberNames() {
        FailedTask task = new FailedTask("eu-1.0123456789abcdef", "acme", "simple", "dead_lettered", 3,
                new FailedTask.Error("model_timeout", "the model did not answer in time"),
                Instant.parse("2026-01-02T03:04:05.678Z"));

        String json = MAPPER.writeValueAsString(task);

        assertThat(MAPPER.readTree(json).propertyNames()).containsExactlyInAnyOrder("id", "tenant", "queue", "status",
                "attempts", "error", "finishedAt");
        assertThat(MAPPER.readTree(json).get("error").propertyNames()).containsExactlyInAnyOrder("error", "message");
        assertThat(MAPPER.readValue(json, FailedTask.class)).isEqualTo(task);
    }

    @Test
    void aFailedTaskWithoutErrorOrEndRoundTrips() {
        FailedTask task = new FailedTask("eu-1.0123456789abcdef", null, "simple", "failed", 1, null, null);

        assertThat(MAPPER.readValue(MAPPER.writeValueAsString(task), FailedTask.class)).isEqualTo(task);
    }
}
