package io.meridian.gateway.tls;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.meridian.testing.TestCertificates;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway as the public HTTPS entry point (TLS 1.3 and 1.2, HTTP/2, HSTS, a plain-HTTP port
 * that redirects) in front of a region that accepts only clients with a certificate from the
 * regions' CA: the gateway presents its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.ssl.bundle=public",
        "server.ssl.enabled-protocols=TLSv1.3,TLSv1.2",
        "server.http2.enabled=true",
        "meridian.tls.region-client-bundle=regions",
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.interval=0s"})
class TlsIntegrationTests {

    static final TestCertificates PUBLIC = TestCertificates.ca("public");
    static final TestCertificates REGIONS = TestCertificates.ca("regions");
    static final int HTTP_PORT = freePort();
    static final WireMockServer region = startRegion();

    static WireMockServer startRegion() {
        WireMockServer server = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
                .bindAddress("127.0.0.1")
                .keystorePath(REGIONS.issue("task-server").toString()).keystoreType("PKCS12")
                .keystorePassword(REGIONS.password()).keyManagerPassword(REGIONS.password())
                .needClientAuth(true)
                .trustStorePath(REGIONS.truststore().toString()).trustStoreType("PKCS12")
                .trustStorePassword(REGIONS.password()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"region\":\"us-east\"}")));
        return server;
    }

    @AfterAll
    static void stop() {
        region.stop();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PUBLIC.bundle("public", "gateway-public").forEach((name, value) -> registry.add(name, () -> value));
        REGIONS.bundle("regions", "gateway").forEach((name, value) -> registry.add(name, () -> value));
        registry.add("meridian.tls.http-port", () -> HTTP_PORT);
        registry.add("meridian.regions[0].id", () -> "us-east");
        registry.add("meridian.regions[0].latitude", () -> "40.7");
        registry.add("meridian.regions[0].longitude", () -> "-74.0");
        registry.add("meridian.regions[0].zone", () -> "us");
        registry.add("meridian.regions[0].endpoints[0]", () -> "https://localhost:" + region.httpsPort());
        registry.add("meridian.default-region", () -> "us-east");
    }

    @LocalServerPort
    int port;

    HttpClient client(String... protocols) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, PUBLIC.trustManagers().getTrustManagers(), null);
        HttpClient.Builder builder = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5));
        if (protocols.length > 0) {
            SSLParameters parameters = tls.getDefaultSSLParameters();
            parameters.setProtocols(protocols);
            builder.sslParameters(parameters);
        }
        return builder.build();
    }

    HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("X-Forwarded-For", "8.8.8.8")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesHttpsOverHttp2WithHstsAndReachesTheRegionWithItsClientCertificate() throws Exception {
        HttpResponse<String> response = get(client(), "https://localhost:" + port + "/v1/replicas");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000; includeSubDomains");
        assertThat(response.headers().firstValue("X-Meridian-Region")).hasValue("us-east");
        assertThat(response.body()).contains("us-east");
        assertThat(region.getAllServeEvents()).isNotEmpty();
    }

    @Test
    void speaksTls12ToOlderClientsToo() throws Exception {
        assertThat(get(client("TLSv1.2"), "https://localhost:" + port + "/v1/replicas").statusCode()).isEqualTo(200);
    }

    @Test
    void thePlainHttpPortRedirectsToTheSamePathOverHttps() throws Exception {
        HttpResponse<String> response = get(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(),
                "http://localhost:" + HTTP_PORT + "/v1/tasks/us-east.01JD3X9K2M?wait=2s");

        assertThat(response.statusCode()).isEqualTo(308);
        assertThat(response.headers().firstValue("Location"))
                .hasValue("https://localhost:" + port + "/v1/tasks/us-east.01JD3X9K2M?wait=2s");
        assertThat(response.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void aHostileHostHeaderIsNotRedirectedTo() throws Exception {
        String answer = io.meridian.gateway.routing.RawHttp.exchange(HTTP_PORT,
                "GET / HTTP/1.1\r\nHost: evil.example/@x\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"field\":\"host\"").doesNotContain("location:");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
