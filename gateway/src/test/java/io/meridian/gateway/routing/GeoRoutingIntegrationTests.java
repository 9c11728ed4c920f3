package io.meridian.gateway.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway against three WireMock regions, with the bundled GeoIP database and loopback as
 * the trusted proxy, so that X-Forwarded-For plays clients from anywhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.0/8,::1/128",
        "meridian.locate.enabled=true",
        "meridian.geoip.reload-interval=0s",
        // Geo routing only: every region counts as healthy, so a region one test stops cannot
        // change where the next test's clients go. Failover has its own tests.
        "meridian.health.enabled=false"})
class GeoRoutingIntegrationTests extends RegionsIntegrationTest {

    WebTestClient.ResponseSpec process(String clientIp, String body) {
        return client.post().uri("/process")
                .header("X-Forwarded-For", clientIp)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    @ParameterizedTest(name = "{0} ({1}) -> {2}")
    @CsvSource({
            "80.133.1.1,         DE, eu-central",
            "2003:e0::1,         DE, eu-central",
            "90.1.1.1,           FR, eu-central",
            "95.24.1.1,          RU, eu-central",
            "165.21.1.1,         SG, ap-southeast",
            "126.1.1.1,          JP, ap-southeast",
            "1.128.1.1,          AU, ap-southeast",
            "8.8.8.8,            US, us-east",
            "2001:4860:4860::8888, US, us-east",
            "177.1.1.1,          BR, us-east",
    })
    void routesEachClientToItsNearestRegion(String ip, String country, String region) {
        process(ip, "{\"query\":\"Hello CPU\"}")
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, region)
                .expectHeader().valueEquals(GeoRoutingFilter.COUNTRY_HEADER, country)
                .expectBody().jsonPath("$.region").isEqualTo(region);

        regions.get(region).verify(1, postRequestedFor(urlEqualTo("/process"))
                .withRequestBody(equalToJson("{\"query\":\"Hello CPU\"}")));
        assertThat(regions.totalRequests()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "192.168.0.7", "172.16.5.5", "100.64.0.1", "169.254.1.1", "192.0.2.10",
            "198.51.100.1", "203.0.113.200", "fd00::1", "fe80::1", "2001:db8::1", "224.0.0.1"})
    void privateAndReservedAddressesGoToTheDefaultRegion(String ip) {
        process(ip, "{\"query\":\"hi\"}")
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "us-east")
                .expectHeader().valueEquals(GeoRoutingFilter.COUNTRY_HEADER, "unknown");
    }

    @Test
    void keepsThePathQueryAndMethodOfTheRequest() {
        client.get().uri(java.net.URI.create("http://127.0.0.1:" + port + "/v1/tasks/eu-central.01JD3X9K2M?wait=2s&x=%2F"))
                .header("X-Forwarded-For", "80.133.1.1")
                .exchange()
                .expectStatus().isOk();

        assertThat(regions.get("eu-central").getAllServeEvents()).singleElement().satisfies(event -> {
            assertThat(event.getRequest().getMethod().getName()).isEqualTo("GET");
            assertThat(event.getRequest().getUrl()).isEqualTo("/v1/tasks/eu-central.01JD3X9K2M?wait=2s&x=%2F");
        });
    }

    @Test
    void theRegionReceivesNeitherTheClientAddressNorItsCountry() {
        client.post().uri("/process")
                .header("X-Forwarded-For", "6.6.6.6, 80.133.1.1")
                .header("Forwarded", "for=6.6.6.6")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"hi\"}")
                .exchange()
                .expectStatus().isOk();

        regions.get("eu-central").verify(postRequestedFor(urlEqualTo("/process"))
                .withoutHeader(GeoRoutingFilter.CLIENT_IP_HEADER)
                .withoutHeader(GeoRoutingFilter.COUNTRY_HEADER)
                .withoutHeader("X-Forwarded-For")
                .withoutHeader("Forwarded"));
    }

    @Test
    void hopByHopForwardingAndSpoofedGatewayHeadersStopAtTheGateway() throws Exception {
        regions.get("eu-central").stubFor(any(anyUrl()).willReturn(aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-Region-Note", "kept")
                .withHeader("Keep-Alive", "timeout=5")
                .withHeader("Connection", "X-Region-Hop")
                .withHeader("X-Region-Hop", "dropped")
                .withHeader(GeoRoutingFilter.COUNTRY_HEADER, "XX")
                .withBody("{\"region\":\"eu-central\"}")));

        String answer = RawHttp.exchange(port, "GET /v1/replicas HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "X-Forwarded-For: 80.133.1.1\r\n"
                + "X-Forwarded-Host: evil.example\r\n"
                + "X-Forwarded-Proto: gopher\r\n"
                + "Forwarded: for=6.6.6.6\r\n"
                + "X-Meridian-Client-IP: 6.6.6.6\r\n"
                + "x-meridian-client-country: KP\r\n"
                + "Connection: close, X-Client-Hop\r\n"
                + "X-Client-Hop: dropped\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Authorization: Basic dXNlcjpwYXNz\r\n"
                + "X-Client-Note: kept\r\n"
                + "\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200")
                .contains("x-region-note: kept", "x-meridian-client-country: de", "x-meridian-region: eu-central")
                .doesNotContain("x-region-hop", "keep-alive", "xx\r\n");
        regions.get("eu-central").verify(getRequestedFor(urlEqualTo("/v1/replicas"))
                .withHeader("X-Client-Note", equalTo("kept"))
                .withoutHeader(GeoRoutingFilter.CLIENT_IP_HEADER)
                .withoutHeader(GeoRoutingFilter.COUNTRY_HEADER)
                .withHeader("X-Meridian-Protocol", equalTo("1.0"))
                .withoutHeader("X-Forwarded-For")
                .withoutHeader("X-Forwarded-Host")
                .withoutHeader("X-Forwarded-Proto")
                .withoutHeader("Forwarded")
                .withoutHeader("X-Client-Hop")
                .withoutHeader("Keep-Alive")
                .withoutHeader("Proxy-Authorization"));
        assertThat(regions.get("eu-central").getAllServeEvents()).singleElement().satisfies(event -> {
            // Neither the client's spoofed copies nor the gateway's own view reach the region.
            assertThat(event.getRequest().getHeaders().getHeader(GeoRoutingFilter.CLIENT_IP_HEADER).isPresent()).isFalse();
            assertThat(event.getRequest().getHeaders().getHeader(GeoRoutingFilter.COUNTRY_HEADER).isPresent()).isFalse();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "localhost", "8.8.8.8/8", "fe80::1%eth0", "1.2.3.4.5", "<script>alert(1)</script>",
            "' OR 1=1 --", "[8.8.8.8]"})
    void hostileForwardingHeadersAreRejectedWithAJsonError(String value) {
        process(value, "{\"query\":\"hi\"}")
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error").isEqualTo("invalid_header")
                .jsonPath("$.field").isEqualTo("X-Forwarded-For")
                .jsonPath("$.status").isEqualTo(400);

        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void aHeaderWithThousandsOfHopsIsRejected() {
        process(String.join(",", Collections.nCopies(1_000, "10.0.0.1")), "{\"query\":\"hi\"}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.message").isEqualTo("X-Forwarded-For has more than 64 entries");
    }

    @Test
    void anOversizedBodyIsRejectedBeforeItIsForwarded() {
        byte[] body = new byte[1024 * 1024 + 1];
        client.post().uri("/process")
                .header("X-Forwarded-For", "8.8.8.8")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectBody()
                .jsonPath("$.error").isEqualTo("payload_too_large")
                .jsonPath("$.field").isEqualTo("body");

        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void aStreamedBodyIsCutOffAtTheLimit() {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        reactor.core.publisher.Flux<org.springframework.core.io.buffer.DataBuffer> body = reactor.core.publisher.Flux
                .range(0, 20)
                .map(i -> org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance.wrap(chunk.clone()));

        client.post().uri("/process")
                .header("X-Forwarded-For", "8.8.8.8")
                .contentType(MediaType.APPLICATION_JSON)
                .body(body, org.springframework.core.io.buffer.DataBuffer.class)
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectBody()
                .jsonPath("$.error").isEqualTo("payload_too_large")
                .jsonPath("$.message").isEqualTo("request body exceeds the limit of 1048576 bytes");
    }

    @Test
    void aStreamedBodyUnderTheLimitIsForwarded() {
        reactor.core.publisher.Flux<org.springframework.core.io.buffer.DataBuffer> body = reactor.core.publisher.Flux
                .just("{\"query\":", "\"chunked\"}")
                .map(s -> org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance
                        .wrap(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        client.post().uri("/process")
                .header("X-Forwarded-For", "8.8.8.8")
                .contentType(MediaType.APPLICATION_JSON)
                .body(body, org.springframework.core.io.buffer.DataBuffer.class)
                .exchange()
                .expectStatus().isOk();

        regions.get("us-east").verify(postRequestedFor(urlEqualTo("/process"))
                .withRequestBody(equalToJson("{\"query\":\"chunked\"}")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            illegal header name  | Bad Header: x                  | 400 | malformed_request
            control character    | X-Test: a\u0001b               | 400 | malformed_request
            header over 16 KB    | X-Big: %s                      | 431 | headers_too_large
            """)
    void malformedHttpIsAnsweredWithAJsonError(String name, String headerLine, int status, String code) throws Exception {
        String line = headerLine.replace("\\u0001", "\u0001").formatted("a".repeat(20_000));
        String raw = "POST /process HTTP/1.1\r\nHost: localhost\r\n" + line + "\r\nContent-Length: 0\r\n\r\n";

        String response = RawHttp.exchange(port, raw);

        assertThat(response).startsWith("HTTP/1.1 " + status);
        assertThat(response).contains("content-type: application/json");
        assertThat(response).contains("\"error\":\"" + code + "\"");
        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void anOverlongRequestLineIsAJson414() throws Exception {
        String raw = "GET /process?" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";

        assertThat(RawHttp.exchange(port, raw)).startsWith("HTTP/1.1 414").contains("\"error\":\"request_line_too_long\"");
    }

    @Test
    void anUnknownPathIsAJson404() {
        client.get().uri("/admin/secrets").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.error").isEqualTo("not_found");
    }

    @Test
    void aRegionThatCannotBeReachedIsPassedOverForTheNextNearest() {
        regions.get("ap-southeast").stop();
        try {
            process("165.21.1.1", "{\"query\":\"hi\"}")
                    .expectStatus().isOk()
                    .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, "eu-central")
                    .expectHeader().valueEquals("X-Meridian-Failovers", "1");
        } finally {
            regions.get("ap-southeast").start();
        }
    }

    @Test
    void theRegionsOwnErrorsPassThroughUnchanged() {
        regions.get("us-east").stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/process")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"malformed_json\",\"message\":\"bad\",\"field\":null,\"status\":400}")));

        process("8.8.8.8", "{not json")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("malformed_json");
    }

    @Test
    void locateExplainsTheDecision() {
        client.get().uri("/meridian/locate?ip=80.133.1.1").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.country").isEqualTo("DE")
                .jsonPath("$.source").isEqualTo("COUNTRY_REFERENCE_POINT")
                .jsonPath("$.selected").isEqualTo("eu-central")
                .jsonPath("$.regions[0].id").isEqualTo("eu-central")
                .jsonPath("$.regions[1].id").isEqualTo("us-east")
                .jsonPath("$.regions[2].id").isEqualTo("ap-southeast")
                .jsonPath("$.regions[0].distanceKm").value(km -> assertThat(((Number) km).doubleValue()).isBetween(0.0, 600.0));
    }

    @Test
    void locateWithoutAnAddressExplainsTheCallersOwnRequest() {
        client.get().uri("/meridian/locate").header("X-Forwarded-For", "165.21.1.1").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.ip").isEqualTo("165.21.1.1")
                .jsonPath("$.selected").isEqualTo("ap-southeast");
        client.get().uri("/meridian/locate?ip=10.0.0.1").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.reservedRange").isEqualTo("private")
                .jsonPath("$.selected").isEqualTo("us-east")
                .jsonPath("$.regions[0].distanceKm").doesNotExist();
    }

    @Test
    void locateRejectsAnythingButAnAddress() {
        client.get().uri("/meridian/locate?ip=example.com").exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error").isEqualTo("invalid_parameter")
                .jsonPath("$.field").isEqualTo("ip");
    }
}
