package io.meridian.gateway.path;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.routing.RawHttp;
import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.meridian.gateway.tenant.ApiKeys;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The spellings that used to get past the key check and the admin token, on the gateway's main
 * port and on its management port: each is refused with {@code 400 invalid_path} or read as the
 * plain path, and then meets every check the plain path meets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "meridian.client.trusted-proxies=127.0.0.0/8",
        "meridian.health.enabled=false",
        "meridian.auth.anonymous=false",
        "meridian.auth.tenants[0].id=acme",
        "meridian.auth.tenants[0].keys-sha256[0]=" + CanonicalPathIntegrationTests.KEY_HASH,
        "meridian.admin.token-sha256=" + CanonicalPathIntegrationTests.ADMIN_HASH})
class CanonicalPathIntegrationTests extends RegionsIntegrationTest {

    static final String KEY = "acme-key-1";
    static final String KEY_HASH = "904fc520be4ca9db80d0ffcc6bf7e01b4148e33d45bb6b422ad2e607815fb508";
    static final String ADMIN_TOKEN = "actuator-admin-token";
    static final String ADMIN_HASH = "a003c1868501e8c750111469397336e47730bfd7312d6b56239a554ed3ce1160";

    @LocalManagementPort
    int managementPort;

    @Test
    void theHashesAreTheSecrets() {
        assertThat(ApiKeys.sha256(KEY)).isEqualTo(KEY_HASH);
        assertThat(ApiKeys.sha256(ADMIN_TOKEN)).isEqualTo(ADMIN_HASH);
    }

    WebTestClient.ResponseSpec send(int port, String method, String rawPath, String authorization) {
        // A URI object is sent as it is: the client must not re-encode the spelling under test.
        WebTestClient.RequestBodySpec request = client.mutate().baseUrl("http://127.0.0.1:" + port).build()
                .method(HttpMethod.valueOf(method)).uri(URI.create("http://127.0.0.1:" + port + rawPath))
                .header("X-Forwarded-For", "8.8.8.8");
        if (!authorization.isEmpty()) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        if (method.equals("POST")) {
            return request.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}").exchange();
        }
        return request.exchange();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "POST | /process;x=1            | 400",
            "POST | /%70rocess              | 401",
            "POST | /v1;/tasks              | 400",
            "POST | /%761/tasks             | 401",
            "POST | /v%31/chat/completions  | 401",
            "GET  | /v1;/queues             | 400",
            "GET  | /v1/x/../queues         | 401",
            "GET  | /v1//queues             | 401",
            "GET  | /v1/%2e/queues          | 401",
            "GET  | /v1/tasks/..%2F..       | 400",
            "GET  | /v1/queues%00           | 400",
            "GET  | /%2e%2e/v1/queues       | 400",
            "GET  | /v1/                    | 401",
            "POST | /process/               | 404",
            "GET  | /v1                     | 404",
            "GET  | /v1/queues/..           | 401"})
    void aSpellingWithoutAKeyIsRefusedOrMeetsTheKeyCheck(String method, String rawPath, int status) {
        WebTestClient.BodyContentSpec body = send(port, method, rawPath, "").expectStatus().isEqualTo(status).expectBody();
        if (status == 400) {
            body.jsonPath("$.error").isEqualTo("invalid_path").jsonPath("$.field").isEqualTo("path")
                    .jsonPath("$.status").isEqualTo(400).jsonPath("$.message").isNotEmpty();
        } else {
            // OpenAI's endpoints answer in OpenAI's shape, read from the canonical path.
            String code = rawPath.endsWith("/chat/completions") ? "$.error.code" : "$.error";
            body.jsonPath(code).isEqualTo(status == 401 ? "missing_api_key" : "not_found");
        }
        assertThat(regions.totalRequests()).as("requests that reached a region").isZero();
    }

    @Test
    void theRegionReceivesTheCanonicalPathAndTheQueryAsSent() {
        send(port, "POST", "/%70rocess?wait=2s&x=%2F", "Bearer " + KEY).expectStatus().isOk();
        send(port, "GET", "/v1/x/%2E%2e//queues", "Bearer " + KEY).expectStatus().isOk();
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build().get()
                .uri(URI.create("http://127.0.0.1:" + port + "/v%31/tasks/us-east.01JD3X9K2M/%65vents"))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY).header("X-Client-Note", "kept")
                .exchange().expectStatus().isOk();
        regions.get("us-east").verify(getRequestedFor(urlEqualTo("/v1/tasks/us-east.01JD3X9K2M/events"))
                .withHeader("X-Client-Note", equalTo("kept")));
        assertThat(regions.servers().stream().flatMap(server -> server.getAllServeEvents().stream())
                .filter(event -> !event.getRequest().getUrl().startsWith("/readyz"))
                .map(event -> event.getRequest().getUrl()))
                .contains("/process?wait=2s&x=%2F", "/v1/queues", "/v1/tasks/us-east.01JD3X9K2M/events")
                .noneMatch(url -> url.contains("..") || url.contains("%70") || url.contains("%31") || url.contains("//"));
    }

    @Test
    void aClimbAboveTheRootAsWrittenIsRefused() throws IOException {
        for (String path : new String[] {"/../process", "/v1/../../actuator/prometheus", "/v1/tasks/./../../.."}) {
            String answer = RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(path).startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_path\"")
                    .contains("\"field\":\"path\"").contains("above the root");
        }
        assertThat(regions.totalRequests()).isZero();
    }

    @Test
    void aRequestTargetThatIsNoUriIsRefusedBeforeAnyFilter() throws IOException {
        // The server could not make a URI of these: the listener refuses them first, in JSON.
        for (String path : new String[] {"/v1\\tasks", "/v1/%zzqueues", "/v1/queues%", "/v1/qu\"eues"}) {
            String answer = RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(path).startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_path\"")
                    .contains("\"field\":\"path\"");
        }
        assertThat(regions.totalRequests()).isZero();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/%61ctuator/prometheus             | 401",
            "/actuator;x=1/prometheus           | 400",
            "/actuator/health/..;/prometheus    | 400",
            "/actuator/health/../prometheus     | 401",
            "/actuator/health/%2E%2E/prometheus | 401",
            "/actuator//prometheus              | 401",
            "/actuator/%70rometheus             | 401",
            "/%2e%2e/actuator/prometheus        | 400"})
    void anActuatorSpellingOnTheManagementPortIsRefusedOrNeedsTheAdminToken(String rawPath, int status) {
        WebTestClient.BodyContentSpec body = send(managementPort, "GET", rawPath, "").expectStatus().isEqualTo(status)
                .expectBody();
        body.jsonPath("$.error").isEqualTo(status == 400 ? "invalid_path" : "unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%61ctuator/prometheus", "/actuator/health/../prometheus", "/actuator//%70rometheus"})
    void anActuatorSpellingWithTheAdminTokenIsServedAsThePlainPath(String rawPath) {
        send(managementPort, "GET", rawPath, "Bearer " + ADMIN_TOKEN).expectStatus().isOk()
                .expectBody(String.class).value(text -> assertThat(text).contains("# TYPE"));
    }

    @Test
    void probesStillNeedNoToken() {
        send(managementPort, "GET", "/actuator/health/readiness", "").expectStatus().isOk();
        send(managementPort, "GET", "/actuator/%68ealth/liveness", "").expectStatus().isOk();
    }
}
