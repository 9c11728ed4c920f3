package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The edge as an attacker tries it, on the local stack with API keys required: every spelling of
 * a protected path without a key, every spelling of an actuator path without the admin token, on
 * the gateway's ports and the regions' management ports, one tenant reading, cancelling and
 * re-using the idempotency key of another's task, concurrent bursts against one token budget
 * (synchronous and asynchronous, the latter never read), and idle or half-sent connections.
 * Counted at the end, each with a target of zero: served without a key, opened without a token,
 * cross-tenant reads, tokens past a budget, 5xx answers and connections left open.
 */
class EdgeHoldsIT {

    static final String ALICE_KEY = "alice-" + UUID.randomUUID();
    static final String BOB_KEY = "bob-" + UUID.randomUUID();
    static final String BURST_KEY = "burst-" + UUID.randomUUID();
    static final String ASYNC_KEY = "async-" + UUID.randomUUID();
    static final int BURST_TOKENS_PER_DAY = 2_000;
    static final int MAX_TOKENS = 40;

    static final JsonMapper json = JsonMapper.builder().build();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final AtomicInteger serverErrors = new AtomicInteger();
    static final Map<String, Integer> statuses = new TreeMap<>();
    static LocalStack stack;

    @BeforeAll
    static void startWithKeysRequired() throws Exception {
        String args = String.join(" ",
                "--meridian.auth.anonymous=false",
                tenant(0, "alice", ALICE_KEY, null),
                tenant(1, "bob", BOB_KEY, null),
                tenant(2, "burst", BURST_KEY, BURST_TOKENS_PER_DAY),
                tenant(3, "async", ASYNC_KEY, BURST_TOKENS_PER_DAY),
                "--meridian.rate-limit.requests-per-second=5000",
                "--meridian.rate-limit.burst=5000");
        stack = LocalStack.start(Map.of("MERIDIAN_GATEWAY_ARGS", args));
    }

    static String tenant(int index, String id, String key, Integer tokensPerDay) throws Exception {
        String prefix = "--meridian.auth.tenants[" + index + "].";
        String args = prefix + "id=" + id + " " + prefix + "keys-sha256[0]=" + sha256(key);
        return tokensPerDay == null ? args : args + " " + prefix + "limits.tokens-per-day=" + tokensPerDay;
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void noSpellingNoTenantNoBurstAndNoSlowConnectionGetsPastTheEdge() throws Exception {
        int servedWithoutKey = pathVariantsServedWithoutAKey();
        int openedWithoutToken = actuatorVariantsOpenedWithoutTheToken();
        int crossTenantReads = crossTenantReads();
        long syncTokensPast = tokensPastTheBudgetInASynchronousBurst();
        long asyncTokensPast = tokensPastTheBudgetInAnAsynchronousBurstNeverRead();
        int leftOpen = connectionsLeftOpen();

        System.out.printf("edge: answers by status %s; served without a key %d, opened without a token %d, "
                        + "cross-tenant reads %d, tokens past a budget %d (sync) %d (async), 5xx %d, connections left open %d%n",
                statuses, servedWithoutKey, openedWithoutToken, crossTenantReads, syncTokensPast, asyncTokensPast,
                serverErrors.get(), leftOpen);
        assertThat(servedWithoutKey).as("protected paths served without a key").isZero();
        assertThat(openedWithoutToken).as("actuator paths opened without the admin token").isZero();
        assertThat(crossTenantReads).as("another tenant's task read, cancelled or re-used").isZero();
        assertThat(syncTokensPast).as("tokens served past the budget, synchronous burst").isZero();
        assertThat(asyncTokensPast).as("tokens run past the budget, asynchronous burst").isZero();
        assertThat(serverErrors.get()).as("5xx answers").isZero();
        assertThat(leftOpen).as("idle or half-sent connections still open").isZero();
    }

    /** Spellings of /process, /v1/tasks, /v1/chat/completions and /v1/queues, sent without a key. */
    int pathVariantsServedWithoutAKey() throws Exception {
        List<String> posts = List.of("/process;x=1", "/%70rocess", "/PROCESS/../process", "//process", "/./process",
                "/v1;/tasks", "/%761/tasks", "/v1//tasks", "/v1/./tasks", "/x/../v1/tasks", "/v1/tasks;a=b",
                "/v%31/chat/completions", "/v1/chat/%63ompletions", "/v1/chat;/completions", "/v1/chat/completions/.",
                "/v1%2ftasks", "/v1%5ctasks", "/%2e%2e/process", "/v1/tasks/%2e%2e/%2e%2e/process");
        List<String> gets = List.of("/v1;/queues", "/v1/%71ueues", "/v1//queues", "/v1/./queues", "/v1/queues;x",
                "/%76%31/queues", "/v1/tasks?state=failed", "/v1;/tasks?state=failed");
        int served = 0;
        for (String path : posts) {
            served += servedWithoutKey(path, rawRequest("POST", path, null, taskBody()));
        }
        for (String path : gets) {
            served += servedWithoutKey(path, rawRequest("GET", path, null, null));
        }
        return served;
    }

    private int servedWithoutKey(String path, String request) throws IOException {
        RawAnswer answer = raw(stack.gatewayPort, request);
        if (answer.status() >= 200 && answer.status() < 300) {
            System.err.println("served without a key: " + path + " -> " + answer.status());
            return 1;
        }
        assertThat(answer.status()).as("answer to %s without a key", path).isIn(400, 401, 404);
        return 0;
    }

    /** Spellings of /actuator/prometheus and /actuator/metrics on every port that serves actuator. */
    int actuatorVariantsOpenedWithoutTheToken() throws IOException {
        List<String> paths = List.of("/actuator/prometheus", "/%61ctuator/prometheus", "/actuator;x=1/prometheus",
                "/actuator/health/..;/prometheus", "/actuator/health/../prometheus", "//actuator/prometheus",
                "/actuator/./prometheus", "/actuator/%70rometheus", "/actuator/prometheus;x", "/actuator/prometheus/",
                "/actuator/health/%2e%2e/metrics", "/actuator%2fmetrics", "/actuator/metrics;", "/ACTUATOR/../actuator/metrics");
        List<Integer> ports = new ArrayList<>();
        ports.add(stack.gatewayPort);
        ports.add(stack.gatewayManagementPort);
        ports.addAll(stack.managementPorts);
        int opened = 0;
        for (int port : ports) {
            for (String path : paths) {
                RawAnswer answer = raw(port, rawRequest("GET", path, null, null));
                if (answer.status() == 200 && (answer.body().contains("# HELP") || answer.body().contains("\"names\""))) {
                    System.err.println("opened without a token: port " + port + " " + path);
                    opened++;
                }
            }
        }
        return opened;
    }

    /** Bob's task, as Alice tries to read it, follow it, cancel it, find it in lists and take its key. */
    int crossTenantReads() throws Exception {
        String key = "shared-key-" + UUID.randomUUID();
        HttpResponse<String> submitted = send(submit(BOB_KEY, "{\"query\":\"bob's secret plan\"}").header("Idempotency-Key", key));
        assertThat(submitted.statusCode()).as("bob's submit: %s", submitted.body()).isEqualTo(202);
        String bobsTask = json.readTree(submitted.body()).path("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> finished(get(BOB_KEY, "/v1/tasks/" + bobsTask)));

        int reads = 0;
        reads += seen(get(ALICE_KEY, "/v1/tasks/" + bobsTask), "GET another tenant's task");
        reads += seen(send(request(ALICE_KEY, "/v1/tasks/" + bobsTask + "/events").GET()), "events of another tenant's task");
        reads += seen(send(request(ALICE_KEY, "/v1/tasks/" + bobsTask).DELETE()), "DELETE another tenant's task");
        HttpResponse<String> reused = send(submit(ALICE_KEY, "{\"query\":\"alice's own question\"}").header("Idempotency-Key", key));
        if (reused.body().contains(bobsTask) || reused.body().contains("secret plan")) {
            System.err.println("idempotency key crossed tenants: " + reused.body());
            reads++;
        }
        HttpResponse<String> failures = get(ALICE_KEY, "/v1/tasks?state=failed");
        if (failures.body().contains(bobsTask)) {
            reads++;
        }
        HttpResponse<String> dashboard = send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/dashboard/api/state")).GET());
        if (dashboard.body().contains(bobsTask) || dashboard.body().contains("\"bob\"")) {
            System.err.println("dashboard's public state shows another tenant's task or figures");
            reads++;
        }
        // Bob still sees his own task and its answer: the refusals above are not a broken read.
        HttpResponse<String> own = get(BOB_KEY, "/v1/tasks/" + bobsTask);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("succeeded");
        return reads;
    }

    private static int seen(HttpResponse<String> answer, String what) {
        if (answer.statusCode() == 404) {
            return 0;
        }
        System.err.println(what + ": " + answer.statusCode() + " " + answer.body());
        return 1;
    }

    /** 200 concurrent chat completions of a tenant whose day allows a fraction of them. */
    long tokensPastTheBudgetInASynchronousBurst() throws Exception {
        String body = "{\"model\":\"qwen3\",\"max_tokens\":" + MAX_TOKENS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"count to a hundred, slowly\"}]}";
        List<HttpResponse<String>> answers = concurrently(200, () -> send(request(BURST_KEY, "/v1/chat/completions")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))));
        long served = 0;
        int refused = 0;
        for (HttpResponse<String> answer : answers) {
            if (answer.statusCode() == 200) {
                JsonNode chat = json.readTree(answer.body());
                // qwen3 is the simulated simple tier's alias: the answer names the tier's own model.
                assertThat(chat.path("model").asString()).as("the model of %s", answer.body()).isEqualTo("simulated");
                served += chat.path("usage").path("total_tokens").asLong();
            } else {
                assertThat(answer.statusCode()).as("a refused request: %s", answer.body()).isEqualTo(429);
                refused++;
            }
        }
        System.out.printf("synchronous burst: %d tokens served of a budget of %d, %d refused%n", served,
                BURST_TOKENS_PER_DAY, refused);
        assertThat(refused).as("the burst is larger than the budget").isPositive();
        return Math.max(0, served - BURST_TOKENS_PER_DAY);
    }

    /** 200 concurrent asynchronous tasks of a tenant whose day allows a fraction of them, none read until all ended. */
    long tokensPastTheBudgetInAnAsynchronousBurstNeverRead() throws Exception {
        List<HttpResponse<String>> answers = concurrently(200, () -> send(submit(ASYNC_KEY,
                "{\"query\":\"count to a hundred, slowly\",\"max_tokens\":" + MAX_TOKENS + "}")));
        List<String> accepted = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            if (answer.statusCode() == 202) {
                accepted.add(json.readTree(answer.body()).path("id").asString());
            } else {
                assertThat(answer.statusCode()).as("a refused task: %s", answer.body()).isEqualTo(429);
            }
        }
        assertThat(accepted.size()).as("the burst is larger than the budget").isLessThan(200);
        long run = 0;
        for (String id : accepted) {
            await().atMost(Duration.ofSeconds(120)).until(() -> finished(get(ASYNC_KEY, "/v1/tasks/" + id)));
            JsonNode task = json.readTree(get(ASYNC_KEY, "/v1/tasks/" + id).body());
            JsonNode usage = task.path("result").path("usage");
            run += usage.path("totalTokens").asLong(usage.path("total_tokens").asLong());
        }
        System.out.printf("asynchronous burst: %d tasks accepted, %d tokens run of a budget of %d%n", accepted.size(), run,
                BURST_TOKENS_PER_DAY);
        return Math.max(0, run - BURST_TOKENS_PER_DAY);
    }

    /** Idle, half-sent header and half-sent body connections to the gateway, left to its default timeouts. */
    int connectionsLeftOpen() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                sockets.add(open(""));
                sockets.add(open("POST /process HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ALICE_KEY));
                sockets.add(open("POST /process HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ALICE_KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"query\":"));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            for (Socket socket : sockets) {
                socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
                try {
                    InputStream in = socket.getInputStream();
                    while (in.read() >= 0) {
                        // an answer (408, 400) before the close is fine; the close is what counts
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    continue;
                } catch (IOException reset) {
                    // closed by a reset: closed all the same
                }
                socket.close();
            }
            return (int) sockets.stream().filter(socket -> !socket.isClosed()).count();
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static Socket open(String partial) throws IOException {
        Socket socket = new Socket("127.0.0.1", stack.gatewayPort);
        OutputStream out = socket.getOutputStream();
        out.write(partial.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return socket;
    }

    static boolean finished(HttpResponse<String> task) {
        return task.statusCode() == 200 && task.body().matches("(?s).*\"status\"\\s*:\\s*\"(succeeded|failed|cancelled|dead_lettered)\".*");
    }

    static String taskBody() {
        return "{\"query\":\"hello\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    static HttpRequest.Builder request(String key, String path) {
        return HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).header("Authorization", "Bearer " + key)
                .header("X-Forwarded-For", "80.133.1.1");
    }

    static HttpRequest.Builder submit(String key, String body) {
        return request(key, "/v1/tasks").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpResponse<String> get(String key, String path) throws Exception {
        return send(request(key, path).GET());
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        count(response.statusCode(), response.body());
        return response;
    }

    static <T> List<T> concurrently(int count, Callable<T> call) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(threads.submit(call));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    static String rawRequest(String method, String path, String key, String body) {
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .append("X-Forwarded-For: 80.133.1.1\r\nConnection: close\r\n");
        if (key != null) {
            request.append("Authorization: Bearer ").append(key).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        request.append("\r\n");
        if (body != null) {
            request.append(body);
        }
        return request.toString();
    }

    /** One HTTP/1.1 exchange over a raw socket, so that the path goes out exactly as written. */
    static RawAnswer raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!answer.startsWith("HTTP/1.1 ")) {
                throw new IllegalStateException("no HTTP answer on port " + port + " to " + request.lines().findFirst().orElse(""));
            }
            int status = Integer.parseInt(answer.substring(9, 12));
            int split = answer.indexOf("\r\n\r\n");
            String body = split < 0 ? "" : answer.substring(split + 4);
            count(status, body);
            return new RawAnswer(status, body);
        }
    }

    static void count(int status, String body) {
        synchronized (statuses) {
            statuses.merge(Integer.toString(status), 1, Integer::sum);
        }
        if (status >= 500) {
            serverErrors.incrementAndGet();
            System.err.println("5xx: " + status + " " + body);
        }
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    record RawAnswer(int status, String body) {
    }
}
