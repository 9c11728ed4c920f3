package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Beyond one machine, on one: three gateway processes and two task-server replicas in each of two
 * regions, all on one Redis, with load sent through every gateway at once. What must be global is
 * global: a client's rate limit, a tenant's token budget, an idempotency key's one execution, a
 * region's drain and the dashboard's totals hold across the gateways as they would on one.
 *
 * <p>Run alone: {@code ./mvnw -pl load-tests -am verify -Dit.test=SharedStateIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedStateIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String GERMAN_CLIENT = "80.133.1.1";
    private static final String US_CLIENT = "8.8.8.8";

    /** Each client's bucket: a burst of 64, then one request a second. */
    private static final int BURST = 64;
    private static final double REFILL_PER_SECOND = 1;

    /** The budget tenant's tokens a day. */
    private static final long BUDGET = 600;

    private static final String RATE_KEY = "sk-shared-rate";
    private static final String BUDGET_KEY = "sk-shared-budget";
    private static final String KEYED_KEY = "sk-shared-keyed";
    private static final String ADMIN_TOKEN = "shared-state-admin";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final List<JvmReplica> taskServers = new ArrayList<>();
    private final List<JvmReplica> gateways = new ArrayList<>();
    private AofRedis redis;
    private Path logs;

    @BeforeAll
    void startEverything() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "shared-state").toAbsolutePath());
        logs = Files.createTempDirectory(work, "logs-");
        redis = AofRedis.start(Files.createTempDirectory(work, "redis-"));
        for (String region : List.of("us-east", "eu-central")) {
            for (String replica : List.of("a", "b")) {
                taskServers.add(JvmReplica.start(region + "-" + replica, region, redis.url(), logs,
                        "--meridian.model.simulated.latency=200ms", "--meridian.admin.token-sha256=" + sha256(ADMIN_TOKEN)));
            }
        }
        for (JvmReplica server : taskServers) {
            server.awaitReady(Duration.ofMinutes(5));
        }
        for (int i = 0; i < 3; i++) {
            gateways.add(JvmReplica.gateway("gateway-" + i, logs, gatewaySettings()));
        }
        for (JvmReplica gateway : gateways) {
            gateway.awaitReady(Duration.ofMinutes(5));
        }
        // Every gateway must see both regions healthy before load is sent through it.
        for (JvmReplica gateway : gateways) {
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                    "eu-central".equals(region(processFrom(gateway, GERMAN_CLIENT, KEYED_KEY))));
        }
    }

    @AfterAll
    void stopEverything() throws InterruptedException {
        for (JvmReplica replica : gateways) {
            replica.close();
        }
        for (JvmReplica replica : taskServers) {
            replica.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aClientsRateLimitHoldsAcrossEveryGateway() throws Exception {
        int requests = 3 * BURST;
        long started = System.nanoTime();
        List<Integer> statuses = concurrently(requests, i -> () -> {
            HttpResponse<String> answer = send(gateways.get(i % gateways.size()), HttpRequest.newBuilder()
                    .uri(gateways.get(i % gateways.size()).uri("/v1/models"))
                    .header("Authorization", "Bearer " + RATE_KEY)
                    .header("X-Forwarded-For", US_CLIENT)
                    .GET());
            return answer.statusCode();
        });
        double seconds = (System.nanoTime() - started) / 1e9;

        Map<Integer, Long> byStatus = counted(statuses);
        long allowed = (long) Math.floor(BURST + (seconds + 1) * REFILL_PER_SECOND);
        assertThat(byStatus.keySet()).as("statuses of %s", byStatus).containsOnly(200, 429);
        assertThat(byStatus.get(200)).as("requests let through in %.1f s by three gateways: %s", seconds, byStatus)
                .isLessThanOrEqualTo(allowed);
        assertThat(byStatus.get(429)).as("refused").isPositive();
    }

    @Test
    void noTokensPassATenantsBudgetThoughEveryGatewayCountsThem() throws Exception {
        List<HttpResponse<String>> answers = concurrently(60, i -> () -> send(gateways.get(i % gateways.size()),
                HttpRequest.newBuilder()
                        .uri(gateways.get(i % gateways.size()).uri("/v1/chat/completions"))
                        .header("Authorization", "Bearer " + BUDGET_KEY)
                        .header("X-Forwarded-For", i % 2 == 0 ? US_CLIENT : GERMAN_CLIENT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"model": "simulated", "max_tokens": 16, "messages": [{"role": "user", "content":
                                "Summarise the history of the Rhine's shipping trade in a few short words, please, %d"}]}
                                """.formatted(i)))));

        long served = 0;
        long tokens = 0;
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 429);
            if (answer.statusCode() == 200) {
                served++;
                tokens += JSON.readTree(answer.body()).path("usage").path("total_tokens").asLong();
            } else {
                JsonNode error = JSON.readTree(answer.body()).path("error");
                assertThat(error.path("code").asString()).as(answer.body()).isEqualTo("limit_exceeded");
                assertThat(error.path("param").asString()).as(answer.body()).isEqualTo("tokens_per_day");
            }
        }
        assertThat(served).as("answers served").isPositive().isLessThan(answers.size());
        assertThat(tokens).as("tokens of the %d answers served", served).isLessThanOrEqualTo(BUDGET);
        for (JvmReplica gateway : gateways) {
            HttpResponse<String> usage = send(gateway, HttpRequest.newBuilder().uri(gateway.uri("/v1/usage"))
                    .header("Authorization", "Bearer " + BUDGET_KEY).GET());
            assertThat(usage.statusCode()).as(usage.body()).isEqualTo(200);
            assertThat(JSON.readTree(usage.body()).path("tenants").path(0).path("tokens").path("day").asLong())
                    .as("today's tokens as gateway %s counts them: %s", gateway.name, usage.body())
                    .isEqualTo(tokens);
        }
    }

    @Test
    void anIdempotencyKeySentThroughEveryGatewayAtOnceRunsOnce() throws Exception {
        String key = "order-" + UUID.randomUUID();
        List<HttpResponse<String>> answers = concurrently(24, i -> () -> send(gateways.get(i % gateways.size()),
                HttpRequest.newBuilder()
                        .uri(gateways.get(i % gateways.size()).uri("/v1/tasks"))
                        .header("Authorization", "Bearer " + KEYED_KEY)
                        .header("Idempotency-Key", key)
                        // Half the clients are nearer another region: proximity alone would split them.
                        .header("X-Forwarded-For", i % 2 == 0 ? US_CLIENT : GERMAN_CLIENT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"Run me once\"}"))));

        List<String> ids = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 202);
            ids.add(JSON.readTree(answer.body()).path("id").asString());
        }
        assertThat(ids).as("the task each of the %d sends got", ids.size()).hasSize(24).containsOnly(ids.getFirst());
        String id = ids.getFirst();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode task = JSON.readTree(send(gateways.get(2), HttpRequest.newBuilder()
                    .uri(gateways.get(2).uri("/v1/tasks/" + id))
                    .header("Authorization", "Bearer " + KEYED_KEY).GET()).body());
            assertThat(task.path("status").asString()).as(task.toString()).isEqualTo("succeeded");
            assertThat(task.path("attempts").asInt()).as(task.toString()).isEqualTo(1);
        });
    }

    @Test
    void aDrainSetOnOneGatewayIsObeyedByEvery() throws Exception {
        HttpResponse<String> drained = send(gateways.get(0), HttpRequest.newBuilder()
                .uri(gateways.get(0).uri("/dashboard/api/regions/eu-central/drain"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()));
        long drainedAt = System.nanoTime();
        try {
            assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
            assertThat(JSON.readTree(drained.body()).path("shared").booleanValue()).as(drained.body()).isTrue();
            for (JvmReplica gateway : gateways) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                        "us-east".equals(region(processFrom(gateway, GERMAN_CLIENT, KEYED_KEY))));
            }
            // Measured, not asserted: how long the last gateway took to obey (a refresh is 250 ms).
            System.out.printf("SharedStateIT: a drain set on gateway-0 was obeyed by all three gateways within %d ms%n",
                    (System.nanoTime() - drainedAt) / 1_000_000);
        } finally {
            send(gateways.get(1), HttpRequest.newBuilder().uri(gateways.get(1).uri("/dashboard/api/regions/eu-central/undrain"))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()));
        }
        for (JvmReplica gateway : gateways) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    "eu-central".equals(region(processFrom(gateway, GERMAN_CLIENT, KEYED_KEY))));
        }
    }

    @Test
    void theDashboardOfAnyGatewayShowsTheSameTotals() throws Exception {
        concurrently(30, i -> () -> processFrom(gateways.get(i % gateways.size()), i % 2 == 0 ? US_CLIENT : GERMAN_CLIENT,
                KEYED_KEY).statusCode());

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<JsonNode> states = new ArrayList<>();
            for (JvmReplica gateway : gateways) {
                states.add(JSON.readTree(send(gateway, HttpRequest.newBuilder().uri(gateway.uri("/dashboard/api/state"))
                        .GET()).body()));
            }
            for (JsonNode state : states) {
                assertThat(state.path("shared").booleanValue()).as("shared counts").isTrue();
                assertThat(state.path("countries")).as("countries on every gateway").isEqualTo(states.getFirst().path("countries"));
                assertThat(failovers(state)).isEqualTo(failovers(states.getFirst()));
            }
            assertThat(requestsFrom(states.getFirst(), "DE")).isGreaterThanOrEqualTo(15);
            assertThat(requestsFrom(states.getFirst(), "US")).isGreaterThanOrEqualTo(15);
        });
    }

    @Test
    void everyReplicaReportsItsWholeRegionAndTakesPoolBoundsSetThroughAnother() throws Exception {
        JvmReplica a = taskServers.get(0);
        JvmReplica b = taskServers.get(1);
        // Readiness of either us-east replica, whichever a Service would pick, sums both.
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            long total = 0;
            for (JsonNode replica : json(a, "/v1/replicas").path("replicas")) {
                total += replica.path("load").path("capacity").asLong();
            }
            for (JvmReplica replica : List.of(a, b)) {
                JsonNode region = json(replica, "/actuator/health/readiness").path("components").path("region")
                        .path("details");
                assertThat(region.path("replicas").asInt()).as("%s counts both replicas", replica.name).isEqualTo(2);
                assertThat(region.path("capacity").asLong()).as("%s sums both capacities", replica.name).isEqualTo(total);
            }
        });

        HttpResponse<String> resized = send(a, HttpRequest.newBuilder().uri(a.uri("/v1/admin/queues/simple/workers"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"min\": 1, \"max\": 3}")));
        assertThat(resized.statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(simpleWorkers(b).path("max").asInt()).isEqualTo(3));

        HttpResponse<String> restored = send(b, HttpRequest.newBuilder().uri(b.uri("/v1/admin/queues/simple/workers"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).DELETE());
        assertThat(restored.statusCode()).isEqualTo(200);
        int configured = simpleWorkers(b).path("max").asInt();
        assertThat(configured).isNotEqualTo(3);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(simpleWorkers(a).path("max").asInt()).isEqualTo(configured));
    }

    private JsonNode json(JvmReplica replica, String path) throws Exception {
        return JSON.readTree(send(replica, HttpRequest.newBuilder().uri(replica.uri(path)).GET()).body());
    }

    private JsonNode simpleWorkers(JvmReplica replica) throws Exception {
        for (JsonNode queue : json(replica, "/v1/queues").path("queues")) {
            if (queue.path("name").asString().equals("simple")) {
                return queue.path("workers");
            }
        }
        throw new AssertionError("no simple queue on " + replica.name);
    }

    private static long requestsFrom(JsonNode state, String country) {
        for (JsonNode count : state.path("countries")) {
            if (count.path("code").asString().equals(country)) {
                return count.path("requests").asLong();
            }
        }
        return 0;
    }

    private static List<Long> failovers(JsonNode state) {
        List<Long> figures = new ArrayList<>();
        for (JsonNode region : state.path("regions")) {
            figures.add(region.path("failoversOut").asLong());
            figures.add(region.path("failoversIn").asLong());
        }
        return figures;
    }

    private List<String> gatewaySettings() {
        List<String> settings = new ArrayList<>(List.of(
                "--meridian.client.trusted-proxies=127.0.0.0/8",
                "--meridian.redis.url=" + redis.url(),
                // What is under test is the shared state, not the fallback: a busy machine's round
                // trip must not send a gateway off counting alone.
                "--meridian.redis.timeout=5s",
                "--meridian.default-region=us-east",
                "--meridian.rate-limit.requests-per-second=" + REFILL_PER_SECOND,
                "--meridian.rate-limit.burst=" + BURST,
                "--meridian.admin.token-sha256=" + sha256(ADMIN_TOKEN),
                "--meridian.dashboard.poll-interval=500ms",
                "--meridian.auth.anonymous=false",
                "--meridian.auth.tenants[0].id=rate",
                "--meridian.auth.tenants[0].keys-sha256[0]=" + sha256(RATE_KEY),
                "--meridian.auth.tenants[1].id=budget",
                "--meridian.auth.tenants[1].keys-sha256[0]=" + sha256(BUDGET_KEY),
                "--meridian.auth.tenants[1].limits.tokens-per-day=" + BUDGET,
                "--meridian.auth.tenants[2].id=keyed",
                "--meridian.auth.tenants[2].keys-sha256[0]=" + sha256(KEYED_KEY)));
        String[][] regions = {{"us-east", "40.7128", "-74.0060", "us"}, {"eu-central", "50.1109", "8.6821", "eu"}};
        for (int r = 0; r < regions.length; r++) {
            settings.add("--meridian.regions[" + r + "].id=" + regions[r][0]);
            settings.add("--meridian.regions[" + r + "].latitude=" + regions[r][1]);
            settings.add("--meridian.regions[" + r + "].longitude=" + regions[r][2]);
            settings.add("--meridian.regions[" + r + "].zone=" + regions[r][3]);
            for (int e = 0; e < 2; e++) {
                settings.add("--meridian.regions[" + r + "].endpoints[" + e + "]=http://127.0.0.1:"
                        + taskServers.get(2 * r + e).port);
            }
        }
        return settings;
    }

    private HttpResponse<String> processFrom(JvmReplica gateway, String client, String key) throws Exception {
        return send(gateway, HttpRequest.newBuilder().uri(gateway.uri("/process"))
                .header("Authorization", "Bearer " + key)
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"Where am I served?\"}")));
    }

    private static String region(HttpResponse<String> answer) {
        return answer.statusCode() == 200 ? answer.headers().firstValue("X-Meridian-Region").orElse("") : "";
    }

    private HttpResponse<String> send(JvmReplica replica, HttpRequest.Builder request) throws IOException,
            InterruptedException {
        try {
            return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new IOException("replica " + replica.name + " did not answer: " + ex + "; its threads:\n"
                    + replica.threads(), ex);
        }
    }

    /** Runs {@code count} calls at once, 64 at most in flight, and gives their results in order. */
    private static <T> List<T> concurrently(int count, java.util.function.IntFunction<Callable<T>> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(call.apply(i)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(3, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<Integer, Long> counted(List<Integer> statuses) {
        Map<Integer, Long> counts = new TreeMap<>();
        statuses.forEach(status -> counts.merge(status, 1L, Long::sum));
        return counts;
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
