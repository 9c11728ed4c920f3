package io.meridian.gateway.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.routing.RawHttp;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The server port with short client timeouts (1 s): idle, half-sent and trickled requests are cut,
 * while a region that takes seconds to answer and to stream its answer is waited for; requests
 * HTTP/1.1 forbids are refused with the JSON error.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.server.header-read-timeout=1s",
        "meridian.server.body-read-timeout=1s",
        "meridian.server.idle-timeout=1s",
        "meridian.rate-limit.enabled=false",
        "meridian.health.interval=0s"})
class ListenerTimeoutsIntegrationTests extends RegionsIntegrationTest {

    @Autowired
    MeterRegistry meters;

    Socket connect() throws Exception {
        return new Socket("127.0.0.1", port);
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (Socket socket = connect()) {
            Sockets.awaitClosed(socket);
        }
    }

    @Test
    void headersTrickledAByteAtATimeAreCutAtTheHeaderTimeout() throws Exception {
        double before = closed("header_timeout");
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = connect()) {
            Sockets.send(socket, "GET /v1/replicas HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            // A byte every 200 ms: each read would reset a timer on silence, never this one.
            trickle.scheduleAtFixedRate(() -> {
                try {
                    Sockets.send(socket, "a");
                } catch (Exception closed) {
                    // the server has cut the connection: what the test waits for
                }
            }, 0, 200, TimeUnit.MILLISECONDS);

            Sockets.awaitClosed(socket);
        } finally {
            trickle.shutdownNow();
        }
        assertThat(closed("header_timeout")).isGreaterThan(before);
    }

    @Test
    void aBodyThatStopsArrivingIsAnsweredWithAJson408AndCut() throws Exception {
        try (Socket socket = connect()) {
            Sockets.send(socket, "POST /process HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"query\":");

            String answer = Sockets.readAnswer(socket);
            Sockets.awaitClosed(socket);

            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"")
                    .contains("\"field\":\"body\"");
        }
        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void aKeptAliveConnectionIsClosedWhenIdleAfterAnAnswer() throws Exception {
        try (Socket socket = connect()) {
            Sockets.send(socket, "GET /v1/replicas HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 8.8.8.8\r\n\r\n");
            assertThat(Sockets.readAnswer(socket)).startsWith("HTTP/1.1 200");

            Sockets.awaitClosed(socket);
        }
    }

    @Test
    void aRegionThatTakesSecondsToAnswerAndToStreamItIsWaitedFor() throws Exception {
        // Longer than every client timeout (1 s) several times over: they are about the client.
        regions.servers().forEach(server -> server.stubFor(post(urlEqualTo("/process")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"answer\":\"" + "x".repeat(2000) + "\"}")
                .withFixedDelay(3000)
                .withChunkedDribbleDelay(10, 3000))));

        try (Socket idle = connect()) {
            WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(60)).build()
                    .post().uri("/process").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"slow\"}")
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.answer").value(answer -> assertThat(answer.toString()).hasSize(2000));

            assertThat(Sockets.closed(idle)).as("a connection idle meanwhile is cut").isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no Host in HTTP/1.1 | GET /v1/replicas HTTP/1.1\\r\\nAccept: */*\\r\\n\\r\\n                         | invalid_request          | "host"
            two Host headers    | GET /v1/replicas HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                 | invalid_request          | "host"
            obs-fold            | GET /v1/replicas HTTP/1.1\\r\\nHost: a\\r\\nX-A: b\\r\\n c\\r\\n\\r\\n          | malformed_request        | null
            obs-fold with a tab | GET /v1/replicas HTTP/1.1\\r\\nHost: a\\r\\nX-A: b\\r\\n\\tc\\r\\n\\r\\n        | malformed_request        | null
            HTTP/9.9            | GET /v1/replicas HTTP/9.9\\r\\nHost: a\\r\\n\\r\\n                            | unsupported_http_version | null
            HTTP/1.2            | GET /v1/replicas HTTP/1.2\\r\\nHost: a\\r\\n\\r\\n                            | unsupported_http_version | null
            """)
    void requestsThatHttp11ForbidsAreAJson400(String name, String request, String code, String field) throws Exception {
        String raw = request.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");

        String answer = RawHttp.exchange(port, raw);

        assertThat(answer).startsWith("HTTP/1.1 400").contains("content-type: application/json")
                .contains("\"error\":\"" + code + "\"").contains("\"field\":" + field);
        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void anHttp10RequestWithoutHostAndAFoldLikeBodyAreServed() throws Exception {
        assertThat(RawHttp.exchange(port, "GET /v1/replicas HTTP/1.0\r\nX-Forwarded-For: 8.8.8.8\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
        // A body that starts with a space right after the blank line is no folded header.
        String body = " {\"query\":\"hi\"}";
        assertThat(RawHttp.exchange(port, "POST /process HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body))
                .startsWith("HTTP/1.1 200");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/ta\\sks", "/%zz", "/process%", "/process%4", "/v1/replicas?x=|", "/a\"b", "/v1/{x}", "/v1/replicas?q=<b>"})
    void aRequestTargetThatIsNoUriIsAJson400NamingThePath(String target) throws Exception {
        String answer = RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400").contains("content-type: application/json")
                .contains("\"error\":\"invalid_path\"").contains("\"field\":\"path\"");
        assertThat(regions.totalRequests()).isZero();
    }

    double closed(String reason) {
        var counter = meters.find("meridian.server.connections.closed").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
