package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile traffic from outside against the local stack with API keys required: missing, wrong and
 * revoked keys, a flood, a tenant spending past its budget, huge, deeply nested and malformed
 * bodies, oversized and forged headers, and plain HTTP (and TLS without a client certificate) to a
 * region's mutual-TLS port. Counted at the end, each with a target of zero: answers of 5xx,
 * requests that got past a limit they should have hit, and secrets (keys, prompts) in any log line.
 */
class HostileTrafficIT {

    static final String LIVE_KEY = "acme-live-" + UUID.randomUUID();
    static final String REVOKED_KEY = "acme-revoked-" + UUID.randomUUID();
    static final String FUZZ_KEY = "fuzz-" + UUID.randomUUID();
    static final String PROMPT_MARKER = "zebra-" + UUID.randomUUID();
    static final int TOKENS_PER_DAY = 300;

    static LocalStack stack;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final List<String> wrongKeys = new ArrayList<>();
    static final AtomicInteger serverErrors = new AtomicInteger();
    static final Map<String, Integer> statuses = new TreeMap<>();

    @BeforeAll
    static void startWithKeysRequired() throws Exception {
        String args = String.join(" ",
                "--meridian.auth.anonymous=false",
                "--meridian.auth.tenants[0].id=acme",
                "--meridian.auth.tenants[0].keys-sha256[0]=" + sha256(LIVE_KEY),
                "--meridian.auth.tenants[0].revoked-keys-sha256[0]=" + sha256(REVOKED_KEY),
                "--meridian.auth.tenants[0].limits.tokens-per-day=" + TOKENS_PER_DAY,
                // Small enough that the tenant is served a few times before its budget is spent.
                "--meridian.auth.reservation.default-tokens=50",
                "--meridian.auth.tenants[1].id=fuzz",
                "--meridian.auth.tenants[1].keys-sha256[0]=" + sha256(FUZZ_KEY),
                "--meridian.rate-limit.requests-per-second=1000",
                "--meridian.rate-limit.burst=1000");
        stack = LocalStack.start(Map.of("MERIDIAN_GATEWAY_ARGS", args));
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        synchronized (statuses) {
            statuses.merge(Integer.toString(response.statusCode()), 1, Integer::sum);
        }
        if (response.statusCode() >= 500) {
            serverErrors.incrementAndGet();
            System.err.println("5xx: " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    static HttpRequest.Builder process(String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/process"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", "80.133.1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return key == null ? request : request.header("Authorization", "Bearer " + key);
    }

    static String prompt() {
        return "{\"query\":\"tell me about " + PROMPT_MARKER + "\"}";
    }

    @Test
    void hostileTrafficGetsNoServerErrorNoWayPastALimitAndLeavesNoSecretInTheLogs() throws Exception {
        int pastLimits = 0;

        // Missing, wrong and revoked keys: 401, every one.
        for (int i = 0; i < 30; i++) {
            assertThat(send(process(null, prompt())).statusCode()).isEqualTo(401);
            String wrong = "wrong-" + UUID.randomUUID();
            wrongKeys.add(wrong);
            assertThat(send(process(wrong, prompt())).statusCode()).isEqualTo(401);
            HttpResponse<String> revoked = send(process(REVOKED_KEY, prompt()));
            assertThat(revoked.statusCode()).isEqualTo(401);
            assertThat(revoked.body()).contains("revoked_api_key");
        }

        // A tenant spending past its daily tokens: once refused, never served again today.
        boolean refused = false;
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> answer = send(process(LIVE_KEY, prompt()));
            if (answer.statusCode() == 429) {
                assertThat(answer.body()).contains("tokens_per_day");
                refused = true;
            } else if (answer.statusCode() == 200 && refused) {
                pastLimits++;
            }
        }
        assertThat(refused).as("the tenant reached its %d tokens per day", TOKENS_PER_DAY).isTrue();

        // A flood from many threads of the exhausted tenant: nothing gets through.
        List<Thread> flood = new ArrayList<>();
        AtomicInteger floodServed = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            flood.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        if (send(process(LIVE_KEY, prompt())).statusCode() == 200) {
                            floodServed.incrementAndGet();
                        }
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                }
            }));
        }
        for (Thread thread : flood) {
            thread.join();
        }
        pastLimits += floodServed.get();

        // Bodies: too large, nested too deep, not JSON, empty.
        assertThat(send(process(FUZZ_KEY, "{\"query\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}")).statusCode()).isEqualTo(413);
        assertThat(send(process(FUZZ_KEY, "{\"query\":\"hi\",\"x\":" + "[".repeat(500) + "]".repeat(500) + "}"))
                .statusCode()).isEqualTo(400);
        assertThat(send(process(FUZZ_KEY, "{\"query\": \"unterminated")).statusCode()).isEqualTo(400);
        assertThat(send(process(FUZZ_KEY, "")).statusCode()).isEqualTo(400);

        // Headers: forged forwarding chains, oversized.
        assertThat(send(process(FUZZ_KEY, prompt()).setHeader("X-Forwarded-For", "'; DROP TABLE regions; --"))
                .statusCode()).isEqualTo(400);
        assertThat(rawStatus(stack.gatewayPort, "GET /v1/queues HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + FUZZ_KEY
                + "\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n")).isBetween(400, 499);

        // The regions' mutual-TLS port: plain HTTP gets no HTTP answer, TLS without a certificate no session.
        assertThat(rawStatus(stack.regionPorts.get(1), "GET /v1/queues HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .isEqualTo(-1);
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new TrustEverything()}, null);
        HttpClient noCertificate = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(Duration.ofSeconds(5)).build();
        boolean handshakeRefused;
        try {
            noCertificate.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + stack.regionPorts.get(1) + "/v1/queues"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            handshakeRefused = false;
        } catch (IOException ex) {
            handshakeRefused = true;
        }
        assertThat(handshakeRefused).as("a client without a certificate is refused by the region").isTrue();

        // Secrets in the logs of every service.
        List<String> secrets = new ArrayList<>(List.of(LIVE_KEY, REVOKED_KEY, FUZZ_KEY, PROMPT_MARKER));
        secrets.addAll(wrongKeys);
        int secretLines = 0;
        try (var logs = Files.list(stack.home.resolve("logs"))) {
            for (Path log : logs.toList()) {
                for (String line : Files.readAllLines(log)) {
                    if (secrets.stream().anyMatch(line::contains)) {
                        secretLines++;
                        System.err.println("secret in " + log.getFileName() + ": " + line);
                    }
                }
            }
        }

        System.out.printf("hostile traffic: answers by status %s; 5xx %d, past a limit %d, log lines with a secret %d%n",
                statuses, serverErrors.get(), pastLimits, secretLines);
        assertThat(serverErrors.get()).as("5xx answers").isZero();
        assertThat(pastLimits).as("requests served after the tenant's budget refused one").isZero();
        assertThat(secretLines).as("log lines holding a key or a prompt").isZero();
    }

    /** The status of a raw HTTP/1.1 exchange, or -1 when no HTTP answer came (closed, or TLS bytes). */
    static int rawStatus(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                return -1;
            }
            int status = Integer.parseInt(text.substring(9, 12));
            synchronized (statuses) {
                statuses.merge(Integer.toString(status), 1, Integer::sum);
            }
            if (status >= 500) {
                serverErrors.incrementAndGet();
            }
            return status;
        } catch (java.net.SocketException | java.net.SocketTimeoutException ex) {
            return -1;
        }
    }

    /** For the one request that must fail for want of a client certificate, not for trust. */
    static final class TrustEverything implements javax.net.ssl.X509TrustManager {

        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}
