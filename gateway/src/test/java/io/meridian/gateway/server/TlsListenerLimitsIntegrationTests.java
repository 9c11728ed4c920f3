package io.meridian.gateway.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.meridian.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The HTTPS port (TLS 1.3 and 1.2, HTTP/2 by ALPN) and the plain-HTTP port next to it, with short
 * client timeouts: both take headers up to {@code server.max-http-request-header-size} and answer
 * a JSON 431 past it; a TLS connection that sends nothing after its handshake is closed; a client's
 * renegotiation is refused; an HTTP/2 connection is closed when idle and when it floods PINGs, but
 * kept while a region takes seconds to answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.ssl.bundle=public",
        "server.ssl.enabled-protocols=TLSv1.3,TLSv1.2",
        "server.http2.enabled=true",
        "server.max-http-request-header-size=16KB",
        "meridian.tls.redirect-http=false",
        "meridian.tls.hsts.enabled=false",
        "meridian.server.header-read-timeout=1s",
        "meridian.server.body-read-timeout=1s",
        "meridian.server.idle-timeout=1s",
        "meridian.server.http2.idle-timeout=1s",
        "meridian.server.http2.max-pings=10",
        "meridian.server.http2.ping-window=1m",
        "meridian.rate-limit.enabled=false",
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.interval=0s"})
class TlsListenerLimitsIntegrationTests {

    static final TestCertificates PUBLIC = TestCertificates.ca("public-limits");
    static final int HTTP_PORT = freePort();
    static final WireMockServer region = new WireMockServer(wireMockConfig().port(freePort()).bindAddress("127.0.0.1"));

    static {
        region.start();
    }

    @AfterAll
    static void stop() {
        region.stop();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PUBLIC.bundle("public", "gateway-public").forEach((name, value) -> registry.add(name, () -> value));
        registry.add("meridian.tls.http-port", () -> HTTP_PORT);
        registry.add("meridian.regions[0].id", () -> "us-east");
        registry.add("meridian.regions[0].latitude", () -> "40.7");
        registry.add("meridian.regions[0].longitude", () -> "-74.0");
        registry.add("meridian.regions[0].zone", () -> "us");
        registry.add("meridian.regions[0].endpoints[0]", () -> "http://127.0.0.1:" + region.port());
        registry.add("meridian.default-region", () -> "us-east");
    }

    @LocalServerPort
    int port;

    @BeforeEach
    void answerAtOnce() {
        region.resetAll();
        region.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"region\":\"us-east\"}")));
    }

    SSLSocket tls(String protocol, String... applicationProtocols) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, PUBLIC.trustManagers().getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        if (applicationProtocols.length > 0) {
            parameters.setApplicationProtocols(applicationProtocols);
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        return socket;
    }

    Socket connect(String listener) throws Exception {
        return "tls".equals(listener) ? tls("TLSv1.3") : new Socket("127.0.0.1", HTTP_PORT);
    }

    @ParameterizedTest(name = "{0} listener, {1} bytes of headers: {2}")
    @CsvSource({
            "tls,   16000, 200",
            "tls,   17408, 431",
            "plain, 16000, 200",
            "plain, 17408, 431"})
    void headersUpToTheConfiguredSizeAreTakenAndLargerOnesAreAJson431(String listener, int headerBytes, int status)
            throws Exception {
        String fixed = "Host: localhost\r\nConnection: close\r\nX-Big: ";
        String request = "GET /v1/replicas HTTP/1.1\r\n" + fixed + "a".repeat(headerBytes - fixed.length()) + "\r\n\r\n";

        try (Socket socket = connect(listener)) {
            Sockets.send(socket, request);
            String answer = Sockets.readAnswer(socket);

            assertThat(answer).startsWith("HTTP/1.1 " + status);
            if (status == 431) {
                assertThat(answer).contains("application/json").contains("\"error\":\"headers_too_large\"");
            }
        }
    }

    @Test
    void aTlsConnectionThatSendsNothingAfterItsHandshakeIsClosed() throws Exception {
        try (SSLSocket socket = tls("TLSv1.3")) {
            Sockets.awaitClosed(socket);
        }
    }

    @Test
    void theClientCannotRenegotiateTls12() throws Exception {
        try (SSLSocket socket = tls("TLSv1.2")) {
            String answer;
            try {
                socket.startHandshake(); // a second handshake on a TLS 1.2 connection: renegotiation
                Sockets.send(socket, "GET /livez HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                answer = readToEnd(socket);
            } catch (SSLException refused) {
                answer = "refused: " + refused.getMessage();
            }
            assertThat(answer).doesNotContain("HTTP/1.1 200");
        }
    }

    @Test
    void anIdleHttp2ConnectionIsClosedWithGoAway() throws Exception {
        try (SSLSocket socket = tls("TLSv1.3", "h2")) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
            socket.getOutputStream().write(preface());
            socket.getOutputStream().flush();

            assertThat(goAwayError(socket)).isEqualTo(0); // NO_ERROR
            Sockets.awaitClosed(socket);
        }
    }

    @Test
    void anHttp2PingFloodIsClosedWithEnhanceYourCalm() throws Exception {
        try (SSLSocket socket = tls("TLSv1.3", "h2")) {
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.write(preface());
            for (int i = 0; i < 100; i++) {
                frames.write(new byte[] {0, 0, 8, 6, 0, 0, 0, 0, 0});
                frames.write(ByteBuffer.allocate(8).putLong(i).array());
            }
            try {
                socket.getOutputStream().write(frames.toByteArray());
                socket.getOutputStream().flush();
            } catch (IOException closedMeanwhile) {
                // what was sent is enough; the answer is read below
            }

            assertThat(goAwayError(socket)).isEqualTo(0xb); // ENHANCE_YOUR_CALM
            Sockets.awaitClosed(socket);
        }
    }

    @Test
    void aRegionThatTakesSecondsToAnswerOverHttp2IsWaitedFor() throws Exception {
        region.stubFor(get(urlEqualTo("/v1/replicas")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"region\":\"us-east\",\"slow\":true}")
                .withFixedDelay(3000).withChunkedDribbleDelay(5, 2000)));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, PUBLIC.trustManagers().getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/replicas"))
                .header("X-Forwarded-For", "8.8.8.8").timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).contains("\"slow\":true");
    }

    /** The client connection preface and an empty SETTINGS frame. */
    static byte[] preface() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
        return out.toByteArray();
    }

    /** Reads frames until a GOAWAY and returns its error code; fails if the connection ends first. */
    static int goAwayError(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        try {
            while (true) {
                int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                in.readUnsignedByte(); // flags
                in.readInt(); // stream
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == 7) {
                    return ByteBuffer.wrap(payload, 4, 4).getInt();
                }
            }
        } catch (EOFException ended) {
            return fail("the connection ended without GOAWAY");
        }
    }

    static String readToEnd(Socket socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            socket.getInputStream().transferTo(out);
        } catch (IOException cut) {
            // what arrived before the server cut the connection is the answer
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
