package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real local stack, started by {@code bin/meridian up --detach} as a user starts it: one
 * gateway and the task servers us-east, eu-central and ap-southeast, the bundled GeoIP database
 * and the simulated model. Clients from every continent are played through X-Forwarded-For
 * (the stack trusts loopback as its proxy).
 */
class LocalStackEndToEndIT {

    static LocalStack stack;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(LocalStack.timeout()).build();
    static final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start();
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack == null) {
            return;
        }
        List<Long> pids = stack.pids();
        stack.close();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process %d is gone after bin/meridian down", pid).isFalse();
        }
        assertThat(stack.run("status")).contains("stopped").doesNotContain("running");
    }

    static HttpResponse<String> process(String clientIp, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/process"))
                .timeout(LocalStack.timeout())
                .header("X-Forwarded-For", clientIp)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0} ({1}) -> {2}")
    @CsvSource({
            // Europe
            "80.133.1.1,            DE, eu-central",
            "2003:e0::1,            DE, eu-central",
            "90.1.1.1,              FR, eu-central",
            "81.2.69.160,           GB, eu-central",
            "95.24.1.1,             RU, eu-central",
            "5.1.1.1,               UA, eu-central",
            "2a00:1450:4001::1,     IE, eu-central",
            // Africa
            "41.200.1.1,            DZ, eu-central",
            "197.248.1.1,           KE, eu-central",
            // Asia and Oceania
            "165.21.1.1,            SG, ap-southeast",
            "126.1.1.1,             JP, ap-southeast",
            "36.110.1.1,            CN, ap-southeast",
            "117.192.1.1,           IN, ap-southeast",
            "2402:1f00::1,          HK, ap-southeast",
            "1.128.1.1,             AU, ap-southeast",
            "2001:8004::1,          AU, ap-southeast",
            "202.36.1.1,            NZ, ap-southeast",
            // The Americas
            "8.8.8.8,               US, us-east",
            "2001:4860:4860::8888,  US, us-east",
            "24.114.1.1,            CA, us-east",
            "187.188.1.1,           MX, us-east",
            "177.1.1.1,             BR, us-east",
            "2804:14c::1,           BR, us-east",
            "200.45.1.1,            AR, us-east",
            "200.1.1.1,             VE, us-east",
    })
    void everyClientIsServedByItsNearestRegion(String ip, String country, String region) throws Exception {
        HttpResponse<String> response = process(ip, "{\"query\":\"Hello CPU\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Meridian-Region")).hasValue(region);
        assertThat(response.headers().firstValue("X-Meridian-Client-Country")).hasValue(country);
        JsonNode body = json.readTree(response.body());
        assertThat(body.path("region").asString()).isEqualTo(region);
        assertThat(body.path("backend").asString()).isEqualTo("simulated");
        assertThat(body.path("model").asString()).as("the simple tier's model").isEqualTo("simulated");
        assertThat(body.path("answer").asString()).contains(region).contains("Hello CPU");
        assertThat(body.path("usage").path("totalTokens").asInt()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "192.168.1.1", "127.0.0.1", "100.64.1.1", "192.0.2.1", "::1", "fd12::1", "2001:db8::7"})
    void privateAndReservedClientsGoToTheDefaultRegion(String ip) throws Exception {
        HttpResponse<String> response = process(ip, "{\"query\":\"Hello CPU\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Meridian-Region")).hasValue("us-east");
        assertThat(response.headers().firstValue("X-Meridian-Client-Country")).hasValue("unknown");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            evil.example                 | {"query":"hi"}     | 400 | invalid_header
            8.8.8.8, <script>            | {"query":"hi"}     | 400 | invalid_header
            8.8.8.8                      | {"query":          | 400 | malformed_json
            8.8.8.8                      | {"query":""}       | 400 | invalid_request
            8.8.8.8                      | {"query":42}       | 400 | invalid_request
            8.8.8.8                      | []                 | 400 | invalid_request
            """)
    void hostileHeadersAndBodiesGetJsonErrors(String ip, String body, int status, String code) throws Exception {
        HttpResponse<String> response = process(ip, body);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json.readTree(response.body()).path("error").asString()).isEqualTo(code);
    }

    @ParameterizedTest(name = "{0} -> {1} on {2}")
    @CsvSource({
            "simulated, simulated, simple",
            "qwen3, simulated, simple",
            "simulated-large, simulated-large, complex",
            "qwen3:14b, simulated-large, complex" })
    void eachSimulatedTierAnswersUnderItsOwnNameAlsoWhenAskedForByTheRealModelsName(String asked, String model,
            String queue) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/v1/chat/completions"))
                .timeout(LocalStack.timeout())
                .header("X-Forwarded-For", "80.133.1.1")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + asked
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Which tier?\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.path("model").asString()).as("the model an answer to %s names", asked).isEqualTo(model);
        assertThat(body.path("meridian").path("queue").asString()).isEqualTo(queue);
        assertThat(body.path("meridian").path("backend").asString()).isEqualTo("simulated");
    }

    @Test
    void anOversizedBodyIsA413() throws Exception {
        HttpResponse<String> response = process("8.8.8.8", "{\"query\":\"" + "a".repeat(2_000_000) + "\"}");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json.readTree(response.body()).path("error").asString()).isEqualTo("payload_too_large");
    }

    @Test
    void locateShowsTheRankingWithDistances() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(stack.baseUrl() + "/meridian/locate?ip=165.21.1.1")).build(), HttpResponse.BodyHandlers.ofString());

        JsonNode body = json.readTree(response.body());
        assertThat(body.path("country").asString()).isEqualTo("SG");
        assertThat(body.path("selected").asString()).isEqualTo("ap-southeast");
        assertThat(body.path("regions").get(0).path("distanceKm").asDouble()).isLessThan(100);
        assertThat(body.path("regions").get(1).path("id").asString()).isEqualTo("eu-central");
    }

    @Test
    void statusReportsEveryServiceReady() throws Exception {
        String status = stack.run("status");

        assertThat(status).contains("gateway").contains("us-east").contains("eu-central").contains("ap-southeast");
        assertThat(status.lines().filter(l -> l.contains("running, ready")).count()).isEqualTo(4);
    }

    @Test
    void aTraceRunsFromTheClientThroughTheGatewayAndTheQueueAndEveryLogLineNamesIt() throws Exception {
        String traceId = "5e1f4c2a9b8d7e6f0a1b2c3d4e5f6a7b";
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/v1/tasks"))
                .timeout(LocalStack.timeout())
                .header("X-Forwarded-For", "80.133.1.1")
                .header("traceparent", "00-" + traceId + "-1a2b3c4d5e6f7a8b-01")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"Name a city in Ruritania\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("X-Meridian-Trace-Id")).contains(traceId);
        String self = json.readTree(accepted.body()).path("links").path("self").asString();

        JsonNode task = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                json.readTree(http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + self))
                        .header("X-Forwarded-For", "80.133.1.1").build(), HttpResponse.BodyHandlers.ofString()).body()),
                node -> "succeeded".equals(node.path("status").asString()));
        assertThat(task.path("traceId").asString()).isEqualTo(traceId);

        // Both processes log ECS JSON: the gateway's access line and the region's task line name the trace.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(jsonLines("gateway")).anySatisfy(line -> {
                assertThat(line.path("log").path("logger").asString()).isEqualTo("meridian.access");
                assertThat(line.path("traceId").asString()).isEqualTo(traceId);
                assertThat(line.path("status").asInt()).isEqualTo(202);
                assertThat(line.path("region").asString()).isEqualTo("eu-central");
            });
            assertThat(jsonLines("eu-central")).anySatisfy(line -> {
                assertThat(line.path("log").path("logger").asString()).isEqualTo("meridian.tasks");
                assertThat(line.path("traceId").asString()).isEqualTo(traceId);
                assertThat(line.path("outcome").asString()).isEqualTo("succeeded");
            });
        });
        for (String service : List.of("gateway", "us-east", "eu-central", "ap-southeast")) {
            assertThat(java.nio.file.Files.readString(stack.log(service))).as(service).doesNotContain("Ruritania");
        }
    }

    static List<JsonNode> jsonLines(String service) throws Exception {
        return java.nio.file.Files.readAllLines(stack.log(service)).stream()
                .filter(line -> line.startsWith("{"))
                .map(json::readTree)
                .toList();
    }
}
