package io.meridian.gateway.observability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.meridian.gateway.routing.GeoRoutingFilter;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Traces continued through the gateway to the regions, and the access line, against WireMock
 * regions. Every trace is sampled here, so that exemplars can be seen; logs are ECS JSON.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.health.enabled=false",
        "management.tracing.sampling.probability=1.0",
        "logging.structured.format.console=ecs",
        "meridian.admin.token-sha256=" + TracingAndAccessLogIntegrationTests.HASH})
class TracingAndAccessLogIntegrationTests extends RegionsIntegrationTest {

    /** SHA-256 of {@value #TOKEN}. */
    static final String HASH = "a003c1868501e8c750111469397336e47730bfd7312d6b56239a554ed3ce1160";
    static final String TOKEN = "actuator-admin-token";

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN = "00f067aa0ba902b7";
    /** A trace of one test alone: lines are written up to the flush interval late, into the next test's output. */
    static final String OWN_TRACE = "7d1e0a5b3c2f4e6a8b9c0d1e2f3a4b5c";
    static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])");

    static final JsonMapper json = JsonMapper.builder().build();

    @Test
    void theRegionContinuesTheClientsTraceUnderTheGatewaysSpan() {
        client.post().uri("/process")
                .header("X-Forwarded-For", "80.133.1.1")
                .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"hi\"}")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(RequestTelemetry.TRACE_ID_HEADER, TRACE_ID);

        Matcher sent = traceparent(regions.get("eu-central").findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(anyUrl())).getFirst());
        assertThat(sent.group(1)).isEqualTo(TRACE_ID);
        assertThat(sent.group(2)).as("the gateway's span, not the client's").isNotEqualTo(CLIENT_SPAN);
        assertThat(sent.group(3)).isEqualTo("1");
    }

    @Test
    void aRequestWithoutAContextStartsATraceTheRegionJoins() {
        String traceId = client.get().uri("/v1/replicas")
                .header("X-Forwarded-For", "8.8.8.8")
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst(RequestTelemetry.TRACE_ID_HEADER);

        assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
        Matcher sent = traceparent(regions.get("us-east").getAllServeEvents().getFirst().getRequest());
        assertThat(sent.group(1)).isEqualTo(traceId);
    }

    @Test
    void aMalformedContextIsIgnoredNotFatal() {
        for (String hostile : List.of("00-zzzz-yyyy-01", "ff-" + TRACE_ID + "-" + CLIENT_SPAN + "-01",
                "00-" + "0".repeat(32) + "-" + CLIENT_SPAN + "-01", "x".repeat(4000), "00-" + TRACE_ID + "-\u00e9-01")) {
            regions.resetToHealthy();
            String traceId = client.get().uri("/v1/replicas")
                    .header("X-Forwarded-For", "8.8.8.8")
                    .header("traceparent", hostile)
                    .exchange()
                    .expectStatus().isOk()
                    .returnResult(String.class).getResponseHeaders().getFirst(RequestTelemetry.TRACE_ID_HEADER);
            assertThat(traceId).as(hostile).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32))
                    .isNotEqualTo(TRACE_ID);
            assertThat(traceparent(regions.get("us-east").getAllServeEvents().getFirst().getRequest()).group(1))
                    .isEqualTo(traceId);
        }
    }

    @Test
    void everyRegionTriedContinuesTheGatewaysSpanAndTheFailoverIsCountedForTheRegionThatServed() {
        regions.get("eu-central").stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503)));

        client.get().uri("/v1/replicas")
                .header("X-Forwarded-For", "80.133.1.1")
                .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-Meridian-Failovers", "1");

        Matcher first = traceparent(regions.get("eu-central").getAllServeEvents().getFirst().getRequest());
        Matcher second = regions.servers().stream()
                .filter(server -> server != regions.get("eu-central") && !server.getAllServeEvents().isEmpty())
                .map(server -> traceparent(server.getAllServeEvents().getFirst().getRequest()))
                .findFirst().orElseThrow();
        assertThat(first.group(1)).isEqualTo(TRACE_ID);
        assertThat(second.group(1)).isEqualTo(TRACE_ID);
        assertThat(second.group(2)).as("the gateway's span, whose events record both attempts")
                .isEqualTo(first.group(2)).isNotEqualTo(CLIENT_SPAN);

        String metrics = client.get().uri("/actuator/prometheus").header("Authorization", "Bearer " + TOKEN)
                .exchange().expectStatus().isOk().returnResult(String.class).getResponseBody()
                .collectList().map(parts -> String.join("", parts)).block();
        assertThat(metrics).containsPattern("meridian_region_failovers_received_total\\{[^}]*region=\"(us-east|ap-southeast)\"[^}]*} 1\\.0");
    }

    @Test
    void attemptHistogramsKeepTheTraceAsAnExemplar() {
        client.get().uri("/v1/replicas")
                .header("X-Forwarded-For", "165.21.1.1")
                .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01")
                .exchange()
                .expectStatus().isOk();

        String metrics = client.get().uri("/actuator/prometheus")
                .header("Authorization", "Bearer " + TOKEN)
                .header("Accept", "application/openmetrics-text; version=1.0.0")
                .exchange().expectStatus().isOk().returnResult(String.class).getResponseBody()
                .collectList().map(parts -> String.join("", parts)).block();
        assertThat(metrics).containsPattern("meridian_region_attempt_seconds_bucket\\{[^}]*region=\"ap-southeast\"[^}]*} "
                + "[0-9.]+ # \\{[^}]*trace_id=\"" + TRACE_ID + "\"");
    }

    @Test
    void eachRequestIsOneStructuredAccessLineWithoutItsBodyOrQuery(CapturedOutput output) {
        client.post().uri("/process?api_key=not-for-logs")
                .header("X-Forwarded-For", "80.133.1.1")
                .header("traceparent", "00-" + OWN_TRACE + "-" + CLIENT_SPAN + "-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"a private prompt about Ruritania\"}")
                .exchange()
                .expectStatus().isOk();
        client.post().uri("/process")
                .header("X-Forwarded-For", "80.133.1.1, 10.0.0.1")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("not json at all")
                .exchange();

        // The line is written once the answer's last byte is, which may be after the client has it.
        JsonNode line = await().atMost(Duration.ofSeconds(30)).until(() -> accessLines(output).stream()
                .filter(l -> OWN_TRACE.equals(l.path("traceId").asString())).findFirst(), Optional::isPresent).orElseThrow();
        assertThat(line.path("method").asString()).isEqualTo("POST");
        assertThat(line.path("path").asString()).isEqualTo("/process");
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("region").asString()).isEqualTo("eu-central");
        assertThat(line.path("failovers").asString()).isEqualTo("0");
        assertThat(line.path("clientIp").asString()).isEqualTo("80.133.1.1");
        assertThat(line.path("country").asString()).isEqualTo("DE");
        assertThat(line.path("durationMs").asDouble()).isPositive();
        assertThat(line.path("spanId").asString()).matches("[0-9a-f]{16}");
        assertThat(line.path("message").asString()).startsWith("POST /process 200 ");
        assertThat(line.path("log").path("logger").asString()).isEqualTo(AccessLog.LOGGER);
        assertThat(output.getAll()).doesNotContain("Ruritania").doesNotContain("not-for-logs");
    }

    @Test
    void refusedRequestsAreLoggedWithTheStatusTheyGot(CapturedOutput output) {
        client.post().uri("/process")
                .header("X-Forwarded-For", "not an address")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"hi\"}")
                .exchange()
                .expectStatus().isBadRequest();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(accessLines(output)).anySatisfy(line -> {
            assertThat(line.path("status").asInt()).isEqualTo(400);
            assertThat(line.path("path").asString()).isEqualTo("/process");
            assertThat(line.path("traceId").asString()).matches("[0-9a-f]{32}");
            assertThat(line.has("region")).isFalse();
        }));
    }

    private static List<JsonNode> accessLines(CapturedOutput output) {
        return output.getOut().lines()
                .filter(line -> line.startsWith("{") && line.contains(AccessLog.LOGGER))
                .map(json::readTree)
                .filter(node -> AccessLog.LOGGER.equals(node.path("log").path("logger").asString()))
                .toList();
    }

    private static Matcher traceparent(LoggedRequest request) {
        String header = request.getHeader("traceparent");
        assertThat(header).as("traceparent sent to the region").isNotNull();
        Matcher matcher = TRACEPARENT.matcher(header);
        assertThat(matcher.matches()).as(header).isTrue();
        return matcher;
    }
}
