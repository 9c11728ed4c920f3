package io.meridian.gateway.observability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Exporting is configuration: with an OTLP endpoint set, the gateway's spans are sent to it over
 * OTLP/HTTP (protobuf), here to WireMock standing in for a collector.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.client.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.health.enabled=false",
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=100ms"})
class OtlpExportIntegrationTests extends RegionsIntegrationTest {

    static final String TRACE_ID = "6e0c63257de34c92bf9efcd03927272e";

    @RegisterExtension
    static final WireMockExtension collector = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @DynamicPropertySource
    static void collectorEndpoint(DynamicPropertyRegistry registry) {
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint",
                () -> collector.baseUrl() + "/v1/traces");
    }

    @Test
    void spansGoToTheConfiguredCollector() {
        collector.stubFor(post("/v1/traces").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-protobuf")));

        client.get().uri("/v1/replicas")
                .header("X-Forwarded-For", "80.133.1.1")
                .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                .exchange()
                .expectStatus().isOk();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(collector.findAll(postRequestedFor(urlEqualTo("/v1/traces")))).isNotEmpty());
        byte[] body = collector.findAll(postRequestedFor(urlEqualTo("/v1/traces"))).getFirst().getBody();
        // OTLP protobuf carries the trace id as 16 raw bytes, the service name as text.
        assertThat(indexOf(body, hex(TRACE_ID))).isNotNegative();
        assertThat(new String(body, StandardCharsets.ISO_8859_1)).contains("meridian-gateway").contains("forward to eu-central");
    }

    private static byte[] hex(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
