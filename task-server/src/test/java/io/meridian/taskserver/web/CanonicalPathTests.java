package io.meridian.taskserver.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TestRegion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The task server reads every path by the gateway's rule, on its API port and on its management
 * port: a spelling is refused with {@code 400 invalid_path} or served as the plain path, and an
 * actuator spelling without the admin token never gets past it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "management.server.port=0",
        "meridian.admin.token-sha256=" + CanonicalPathTests.HASH})
class CanonicalPathTests {

    static final String TOKEN = "actuator-admin-token";
    static final String HASH = "a003c1868501e8c750111469397336e47730bfd7312d6b56239a554ed3ce1160";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    WebTestClient.ResponseSpec send(int to, String method, String rawPath, String authorization) {
        // A URI object is sent as it is: the client must not re-encode the spelling under test.
        WebTestClient.RequestBodySpec request = WebTestClient.bindToServer().responseTimeout(Duration.ofSeconds(30))
                .build().method(HttpMethod.valueOf(method)).uri(URI.create("http://127.0.0.1:" + to + rawPath));
        if (!authorization.isEmpty()) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        if (method.equals("POST")) {
            return request.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange();
        }
        return request.exchange();
    }

    static void assertInvalidPath(WebTestClient.ResponseSpec answer) {
        answer.expectStatus().isBadRequest()
                .expectHeader().valueEquals(RegionHeaderFilter.HEADER, TestRegion.ID)
                .expectBody().jsonPath("$.error").isEqualTo(ApiError.INVALID_PATH).jsonPath("$.field").isEqualTo("path")
                .jsonPath("$.status").isEqualTo(400).jsonPath("$.message").isNotEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "POST | /process;x=1",
            "POST | /v1;/tasks",
            "GET  | /v1;/queues",
            "GET  | /v1/queues%00",
            "GET  | /v1/%2e%2e/%2e%2e/queues",
            "GET  | /v1/tasks/us-east.01JD3X9K2M%2Fevents",
            "POST | /v1/admin/queues/simple;/pause"})
    void aSpellingWithNoOneMeaningIsRefusedOnTheApiPort(String method, String rawPath) {
        assertInvalidPath(send(port, method, rawPath, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/queues", "/%761/queues", "/v%31//queues", "/v1/x/../queues", "/v1/./%71ueues"})
    void aSpellingOfAnApiPathIsServedAsThePlainPath(String rawPath) {
        send(port, "GET", rawPath, "").expectStatus().isOk().expectBody().jsonPath("$.queues").isArray();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/%70rocess             | {\"query\":\"hi\"}                                      | 200",
            "/%761/tasks            | {\"query\":\"hi\"}                                      | 202",
            "/v%31/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | 200"})
    void theGatewaysAttackSpellingsAreServedAsThePlainPath(String rawPath, String body, int status) {
        WebTestClient.bindToServer().responseTimeout(Duration.ofSeconds(30)).build().post()
                .uri(URI.create("http://127.0.0.1:" + port + rawPath)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isEqualTo(status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/%61dmin/queues/simple/pause", "/v1//admin/queues/simple/pause",
            "/v1/x/../admin/queues/simple/pause"})
    void anAdminApiSpellingStillNeedsTheToken(String rawPath) {
        send(port, "POST", rawPath, "").expectStatus().isUnauthorized().expectBody().jsonPath("$.error")
                .isEqualTo("unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator;x=1/prometheus", "/actuator/health/..;/prometheus", "/%2e%2e/actuator/prometheus",
            "/actuator/%2fprometheus", "/actuator/health%00"})
    void anActuatorSpellingWithNoOneMeaningIsRefusedOnTheManagementPort(String rawPath) {
        assertInvalidPath(send(managementPort, "GET", rawPath, ""));
        assertInvalidPath(send(managementPort, "GET", rawPath, "Bearer " + TOKEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%61ctuator/prometheus", "/actuator/health/../prometheus", "/actuator/health/%2E%2E/prometheus",
            "/actuator//prometheus", "/actuator/%70rometheus", "/%61ctuator", "/actuator/./env"})
    void anActuatorSpellingNeedsTheAdminTokenOnTheManagementPort(String rawPath) {
        send(managementPort, "GET", rawPath, "").expectStatus().isUnauthorized().expectBody().jsonPath("$.error")
                .isEqualTo("unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%61ctuator/prometheus", "/actuator/health/../prometheus", "/actuator//%70rometheus"})
    void anActuatorSpellingWithTheTokenIsServedAsThePlainPath(String rawPath) {
        send(managementPort, "GET", rawPath, "Bearer " + TOKEN).expectStatus().isOk()
                .expectBody(String.class).value(text -> assertThat(text).contains("# TYPE"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/health/readiness", "/actuator/%68ealth/liveness", "/actuator//health"})
    void probesStillNeedNoToken(String rawPath) {
        send(managementPort, "GET", rawPath, "").expectStatus().isOk();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../actuator/prometheus", "/actuator/../../actuator/prometheus"})
    void aClimbAboveTheRootAsWrittenIsRefusedOnBothPorts(String rawPath) throws IOException {
        for (int to : new int[] {port, managementPort}) {
            String answer = raw(to, "GET " + rawPath + " HTTP/1.1\r\nHost: region\r\nConnection: close\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_path\"").contains("above the root");
        }
    }

    static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException ex) {
                // the answer so far is what we check
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
