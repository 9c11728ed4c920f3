package io.meridian.taskserver.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.testing.TestCertificates;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.netty.http.client.HttpClient;

/**
 * A task server whose port requires a client certificate from the regions' CA: the way the
 * gateway reaches it. Everyone else is refused during the TLS handshake, before any HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestRegion.PROPERTY)
class MutualTlsTests {

    static final TestCertificates REGIONS = TestCertificates.ca("regions");
    static final TestCertificates OTHER = TestCertificates.ca("other");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        REGIONS.bundle("region", "task-server").forEach((name, value) -> registry.add(name, () -> value));
        registry.add("server.ssl.bundle", () -> "region");
        registry.add("server.ssl.client-auth", () -> "need");
    }

    /** GET /readyz with the given client certificate (or none), trusting the regions' CA. */
    int readyz(@org.jspecify.annotations.Nullable KeyManagerFactory clientCertificate) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forClient().trustManager(REGIONS.trustManagers());
        if (clientCertificate != null) {
            builder.keyManager(clientCertificate);
        }
        SslContext context = builder.build();
        return HttpClient.create()
                .secure(spec -> spec.sslContext(context))
                .get().uri("https://localhost:" + port + "/readyz")
                .response()
                .map(response -> response.status().code())
                .block(Duration.ofSeconds(10));
    }

    @Test
    void aClientWithACertificateFromTheRegionsCaIsServed() throws Exception {
        assertThat(readyz(REGIONS.keyManagers("gateway"))).isEqualTo(200);
    }

    @Test
    void aClientWithoutACertificateIsRefusedInTheHandshake() {
        assertThatThrownBy(() -> readyz(null)).satisfies(MutualTlsTests::refusedByTls);
    }

    @Test
    void aClientWithACertificateFromAnotherCaIsRefusedInTheHandshake() {
        assertThatThrownBy(() -> readyz(OTHER.keyManagers("gateway"))).satisfies(MutualTlsTests::refusedByTls);
    }

    /** The server ended the TLS session: an alert (TLS 1.2) or a close right after the handshake (TLS 1.3). */
    static void refusedByTls(Throwable error) {
        boolean tls = false;
        for (Throwable t = error; t != null; t = t.getCause()) {
            tls |= t instanceof javax.net.ssl.SSLException || t instanceof reactor.netty.http.client.PrematureCloseException;
        }
        assertThat(tls).as("refused in TLS, not by HTTP: %s", error).isTrue();
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswerFromTheApplication() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readNBytes(512);
            // Whatever comes back (nothing, or a TLS alert) is not an HTTP answer from the application.
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1 200").doesNotContain("UP");
        } catch (java.net.SocketException ex) {
            // closed by the server: refused too
        }
    }
}
