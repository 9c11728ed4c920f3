package io.meridian.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The access line in each format it writes itself, and JSON strings that survive hostile values. */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogTests {

    static final JsonMapper json = JsonMapper.builder().build();

    static final GatewayTracing NO_TRACING = new GatewayTracing(Tracer.NOOP, Propagator.NOOP);

    private static String lineFor(AccessLog.Format format, CapturedOutput output) {
        try (AccessLogWriter writer = new AccessLogWriter(Duration.ZERO)) {
            AccessLog log = new AccessLog(format, "meridian-gateway", writer);
            MockServerHttpRequest request = MockServerHttpRequest.post("/v1/tasks?api_key=secret")
                    .remoteAddress(new java.net.InetSocketAddress("192.0.2.7", 40000)).build();
            log.write(new RequestTelemetry(System.nanoTime() - 3_140_000, null, NO_TRACING), request, 429, null, null,
                    false);
        }
        List<String> lines = output.getOut().lines().filter(l -> l.contains(AccessLog.LOGGER)).toList();
        assertThat(lines).hasSize(1);
        return lines.getFirst();
    }

    @Test
    void textReadsLikeSpringBootsConsoleLines(CapturedOutput output) {
        String line = lineFor(AccessLog.Format.TEXT, output);

        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z  INFO \\d+ --- \\[meridian-gateway] \\[.+] "
                + "meridian\\.access : POST /v1/tasks 429 3\\.\\d ms client=192\\.0\\.2\\.7");
        assertThat(line).doesNotContain("secret");
    }

    @Test
    void ecsIsOneJsonObjectWithTheFields(CapturedOutput output) {
        JsonNode line = json.readTree(lineFor(AccessLog.Format.ECS, output));

        assertThat(line.path("log").path("logger").asString()).isEqualTo(AccessLog.LOGGER);
        assertThat(line.path("log").path("level").asString()).isEqualTo("INFO");
        assertThat(line.path("service").path("name").asString()).isEqualTo("meridian-gateway");
        assertThat(line.path("ecs").path("version").asString()).isEqualTo("8.11");
        assertThat(line.path("status").asInt()).isEqualTo(429);
        assertThat(line.path("durationMs").asDouble()).isBetween(3.0, 1000.0);
        assertThat(line.path("path").asString()).isEqualTo("/v1/tasks");
        assertThat(line.path("clientIp").asString()).isEqualTo("192.0.2.7");
        assertThat(line.has("region")).isFalse();
        assertThat(line.path("message").asString()).startsWith("POST /v1/tasks 429 ");
    }

    @Test
    void logstashIsOneJsonObjectWithTheFields(CapturedOutput output) {
        JsonNode line = json.readTree(lineFor(AccessLog.Format.LOGSTASH, output));

        assertThat(line.path("logger_name").asString()).isEqualTo(AccessLog.LOGGER);
        assertThat(line.path("level_value").asInt()).isEqualTo(20000);
        assertThat(line.path("status").asInt()).isEqualTo(429);
        assertThat(line.path("method").asString()).isEqualTo("POST");
    }

    @Test
    void formatsFollowSpringBootsStructuredFormatProperty() {
        assertThat(AccessLog.Format.of(null)).isEqualTo(AccessLog.Format.TEXT);
        assertThat(AccessLog.Format.of("ecs")).isEqualTo(AccessLog.Format.ECS);
        assertThat(AccessLog.Format.of(" LOGSTASH ")).isEqualTo(AccessLog.Format.LOGSTASH);
        assertThat(AccessLog.Format.of("gelf")).isEqualTo(AccessLog.Format.LOGBACK);
        assertThat(AccessLog.Format.of("com.example.MyFormatter")).isEqualTo(AccessLog.Format.LOGBACK);
    }
}
