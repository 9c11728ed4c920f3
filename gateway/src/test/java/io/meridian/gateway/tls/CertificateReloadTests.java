package io.meridian.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A renewed certificate file is served without a restart. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.ssl.bundle=public",
        "spring.ssl.bundle.jks.public.reload-on-update=true",
        "spring.ssl.bundle.watch.file.quiet-period=100ms",
        "meridian.health.enabled=false"})
class CertificateReloadTests {

    static final TestCertificates CA = TestCertificates.ca("reload");
    static final Path KEYSTORE = copy(CA.issue("gateway-first"), tempFile());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.ssl.bundle.jks.public.keystore.location", () -> "file:" + KEYSTORE);
        registry.add("spring.ssl.bundle.jks.public.keystore.password", CA::password);
        registry.add("spring.ssl.bundle.jks.public.keystore.type", () -> "PKCS12");
    }

    @LocalServerPort
    int port;

    @Test
    void aReplacedKeystoreIsServedWithinSeconds() {
        assertThat(servedSubject()).isEqualTo("CN=gateway-first");

        copy(CA.issue("gateway-renewed"), KEYSTORE);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(servedSubject()).isEqualTo("CN=gateway-renewed"));
    }

    String servedSubject() {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, CA.trustManagers().getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
                socket.setSoTimeout(5_000);
                socket.startHandshake();
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
            }
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    static Path tempFile() {
        try {
            return Files.createTempFile("meridian-public-", ".p12");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static Path copy(Path from, Path to) {
        try {
            // Written beside and moved into place, as certificate renewal tools do.
            Path next = to.resolveSibling(to.getFileName() + ".next");
            Files.copy(from, next, StandardCopyOption.REPLACE_EXISTING);
            Files.move(next, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return to;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
