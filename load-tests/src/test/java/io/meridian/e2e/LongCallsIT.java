package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.e2e.StackMetrics.RegionWork;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local stack with a slow model, as real LLMs are: the simulated model answers after
 * {@value #MODEL_SECONDS} s, longer than every deadline the gateway had before it learned the
 * regions' own limits (8 s slow calls, 10 s attempts). Every kind of call still answers through
 * the gateway, each request runs the model exactly once across all regions (counted in the
 * regions' queue meters), a keyed repeat answers with the first execution's task wherever its
 * client is, and a region killed during a keyed long call costs at most one duplicate, counted.
 *
 * <p>One round of five long calls, sent at once, serves the first three tests; the kill comes
 * last, as it leaves eu-central down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LongCallsIT {

    static final int MODEL_SECONDS = 12;

    /** Longer than the model, the region's sync wait (30 s) and any queueing of a busy machine. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(150);

    static final JsonMapper json = JsonMapper.builder().build();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static LocalStack stack;
    static StackMetrics metrics;
    static Round round;

    @BeforeAll
    static void startWithASlowModel() throws Exception {
        // Both a plain answer and a stream's first token take the model's time.
        stack = LocalStack.start(Map.of("MERIDIAN_TASK_SERVER_ARGS",
                "--meridian.model.simulated.latency=" + MODEL_SECONDS + "s"
                        + " --meridian.model.simulated.time-to-first-token=" + MODEL_SECONDS + "s"));
        metrics = new StackMetrics(stack);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** What one long call got: its status, region header, body and, for a stream, its data lines. */
    record Call(String name, String key, String client, String body, int status, String region, String answer,
            List<String> events) {

        JsonNode json() {
            return LongCallsIT.json.readTree(answer);
        }

        @Override
        public String toString() {
            return name + " -> " + status + " from " + region + ": " + answer.substring(0, Math.min(400, answer.length()));
        }
    }

    /** The first round: five long calls at once, and every region's work before and after them. */
    record Round(Map<String, Call> calls, Map<String, RegionWork> before, Map<String, RegionWork> after) {
    }

    static synchronized Round round() throws Exception {
        if (round != null) {
            return round;
        }
        Map<String, RegionWork> before = quiet(stack.managementPorts);
        String processKey = "long-process-" + UUID.randomUUID();
        String chatKey = "long-chat-" + UUID.randomUUID();
        Map<String, Callable<Call>> sends = new LinkedHashMap<>();
        sends.put("process", () -> post("process", "/process", null, "80.133.1.1", processBody("sync")));
        sends.put("keyed process", () -> post("keyed process", "/process", processKey, "80.133.1.2", processBody("keyed")));
        sends.put("chat", () -> post("chat", "/v1/chat/completions", null, "8.8.8.8", chatBody("plain", false)));
        sends.put("streamed chat", () -> stream("streamed chat", "165.21.1.1", chatBody("streamed", true)));
        sends.put("keyed chat", () -> post("keyed chat", "/v1/chat/completions", chatKey, "24.114.1.1",
                chatBody("keyed", false)));
        Map<String, Call> calls = concurrently(sends);
        round = new Round(calls, before, quiet(stack.managementPorts));
        System.out.printf("long calls: %s%nregions before %s%nregions after %s%n", calls.values(), before.values(),
                round.after().values());
        return round;
    }

    @Test
    @Order(1)
    void everyKindOfLongCallAnswersThroughTheGateway() throws Exception {
        Map<String, Call> calls = round().calls();

        SoftAssertions soft = new SoftAssertions();
        for (String name : List.of("process", "keyed process")) {
            Call call = calls.get(name);
            soft.assertThat(call.status()).as("%s", call).isEqualTo(200);
            if (call.status() == 200) {
                JsonNode body = call.json();
                soft.assertThat(body.path("answer").asString()).as(name).contains(uniqueWord(call.body()));
                soft.assertThat(body.path("region").asString()).as(name).isEqualTo(call.region());
            }
        }
        for (String name : List.of("chat", "keyed chat")) {
            Call call = calls.get(name);
            soft.assertThat(call.status()).as("%s", call).isEqualTo(200);
            if (call.status() == 200) {
                JsonNode body = call.json();
                soft.assertThat(body.path("object").asString()).as(name).isEqualTo("chat.completion");
                soft.assertThat(body.path("choices").path(0).path("message").path("content").asString()).as(name)
                        .contains(uniqueWord(call.body()));
            }
        }
        Call streamed = calls.get("streamed chat");
        soft.assertThat(streamed.status()).as("%s", streamed).isEqualTo(200);
        soft.assertThat(streamed.events()).as("the stream's data lines").isNotEmpty().last().isEqualTo("[DONE]");
        soft.assertThat(streamed.events()).as("the stream's data lines").noneMatch(data -> data.contains("\"error\""));
        soft.assertThat(streamedText(streamed)).as("the streamed answer").contains(uniqueWord(streamed.body()));
        soft.assertAll();
    }

    @Test
    @Order(2)
    void eachRequestRunsTheModelExactlyOnceAcrossAllRegions() throws Exception {
        Round round = round();

        long ran = ended(round.after()) - ended(round.before());
        assertThat(ran).as("model calls across all regions for %d requests (regions before %s, after %s)",
                round.calls().size(), round.before().values(), round.after().values()).isEqualTo(round.calls().size());
        assertThat(completed(round.after()) - completed(round.before())).as("tasks completed").isEqualTo(round.calls().size());
    }

    @Test
    @Order(3)
    void aKeyedRepeatAnswersWithTheFirstExecutionsTaskWhereverItsClientIsAndRunsNothingNew() throws Exception {
        Round round = round();
        Call process = round.calls().get("keyed process");
        Call chat = round.calls().get("keyed chat");
        assertThat(process.status()).as("the first keyed process: %s", process).isEqualTo(200);
        assertThat(chat.status()).as("the first keyed chat: %s", chat).isEqualTo(200);
        Map<String, RegionWork> before = quiet(stack.managementPorts);

        // The same client again, and a client nearest another region with the same key.
        Map<String, Callable<Call>> repeats = new LinkedHashMap<>();
        repeats.put("process, same client", () -> post("process again", "/process", process.key(), process.client(), process.body()));
        repeats.put("process, from Singapore", () -> post("process again", "/process", process.key(), "165.21.1.2", process.body()));
        repeats.put("chat, same client", () -> post("chat again", "/v1/chat/completions", chat.key(), chat.client(), chat.body()));
        repeats.put("chat, from Germany", () -> post("chat again", "/v1/chat/completions", chat.key(), "80.133.1.3", chat.body()));
        Map<String, Call> answers = concurrently(repeats);
        Map<String, RegionWork> after = quiet(stack.managementPorts);

        SoftAssertions soft = new SoftAssertions();
        for (String name : List.of("process, same client", "process, from Singapore")) {
            Call repeat = answers.get(name);
            soft.assertThat(repeat.status()).as("%s: %s", name, repeat).isEqualTo(200);
            // A process answer names no task; the first execution's has its region, answer and latency.
            soft.assertThat(repeat.answer()).as("%s answers the first execution's result", name).isEqualTo(process.answer());
        }
        String firstTask = chat.json().path("id").asString();
        for (String name : List.of("chat, same client", "chat, from Germany")) {
            Call repeat = answers.get(name);
            soft.assertThat(repeat.status()).as("%s: %s", name, repeat).isEqualTo(200);
            soft.assertThat(repeat.status() == 200 ? repeat.json().path("id").asString() : repeat.answer())
                    .as("%s answers the first execution's task", name).isEqualTo(firstTask);
        }
        soft.assertThat(ended(after) - ended(before)).as("model calls run by the repeats (regions before %s, after %s)",
                before.values(), after.values()).isZero();
        soft.assertAll();
    }

    @Test
    @Order(4)
    void aRegionKilledDuringAKeyedLongCallGivesOneSuccessorsAnswerOrAClearErrorAndAtMostOneCountedDuplicate()
            throws Exception {
        Map<String, Integer> ports = managementPortsByRegion();
        int euCentral = ports.remove("eu-central");
        List<Integer> living = List.copyOf(ports.values());
        Map<String, RegionWork> before = quiet(living);
        double duplicatesBefore = metrics.gatewayCounter("meridian_failover_duplicates");
        String body = processBody("killed");

        Call call;
        try (ExecutorService client = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Call> answer = client.submit(() -> post("keyed process", "/process",
                    "long-killed-" + UUID.randomUUID(), "80.133.1.4", body));
            // eu-central runs the task: the model has begun when the kill comes.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> metrics.region(euCentral).busy() > 0);
            assertThat(stack.run("kill", "eu-central")).contains("eu-central killed");
            call = answer.get(CALL_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        }
        Map<String, RegionWork> after = quiet(living);
        long ranElsewhere = ended(after) - ended(before);
        double duplicates = metrics.gatewayCounter("meridian_failover_duplicates") - duplicatesBefore;
        System.out.printf("killed during a keyed long call: %s; living regions before %s, after %s;"
                + " duplicates counted %.0f%n", call, before.values(), after.values(), duplicates);

        SoftAssertions soft = new SoftAssertions();
        if (call.status() == 200) {
            soft.assertThat(call.region()).as("the successor that answered").isIn(ports.keySet());
            soft.assertThat(call.json().path("answer").asString()).contains(uniqueWord(body));
            soft.assertThat(ranElsewhere).as("successors that ran the task").isEqualTo(1);
        } else {
            soft.assertThat(call.status()).as("a clear error: %s", call).isIn(502, 503, 504);
            JsonNode error = json.readTree(call.answer());
            soft.assertThat(error.path("error").asString()).as("its error code: %s", call).isNotBlank();
            soft.assertThat(error.path("message").asString()).as("its message names the region: %s", call)
                    .contains("eu-central");
        }
        soft.assertThat(ranElsewhere).as("regions besides the killed owner that ran the task (before %s, after %s)",
                before.values(), after.values()).isLessThanOrEqualTo(1);
        soft.assertThat(duplicates).as("meridian_failover_duplicates counted").isLessThanOrEqualTo(1);
        if (ranElsewhere > 0) {
            soft.assertThat(duplicates).as("a task run again after its owner died is a counted duplicate").isEqualTo(1);
        }
        soft.assertAll();
    }

    /** Waits until the regions on {@code managementPorts} run and hold nothing, and gives their work. */
    static Map<String, RegionWork> quiet(List<Integer> managementPorts) {
        return await().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ofMillis(1_500))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> metrics.regions(managementPorts),
                        work -> work.size() == managementPorts.size()
                                && work.values().stream().allMatch(region -> region.busy() == 0));
    }

    static Map<String, Integer> managementPortsByRegion() throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int port : stack.managementPorts) {
            ports.put(metrics.region(port).region(), port);
        }
        return ports;
    }

    static long ended(Map<String, RegionWork> work) {
        return work.values().stream().mapToLong(RegionWork::attempts).sum();
    }

    static long completed(Map<String, RegionWork> work) {
        return work.values().stream().mapToLong(RegionWork::completed).sum();
    }

    static <T> Map<String, T> concurrently(Map<String, Callable<T>> calls) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<T>> futures = new LinkedHashMap<>();
            calls.forEach((name, call) -> futures.put(name, threads.submit(call)));
            Map<String, T> results = new LinkedHashMap<>();
            for (Map.Entry<String, Future<T>> future : futures.entrySet()) {
                results.put(future.getKey(), future.getValue().get(CALL_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS));
            }
            return results;
        }
    }

    static HttpRequest.Builder request(String path, String key, String client, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).timeout(CALL_TIMEOUT)
                .header("X-Forwarded-For", client).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return key == null ? request : request.header("Idempotency-Key", key);
    }

    static Call post(String name, String path, String key, String client, String body) throws Exception {
        HttpResponse<String> response = http.send(request(path, key, client, body).build(), HttpResponse.BodyHandlers.ofString());
        return new Call(name, key, client, body, response.statusCode(),
                response.headers().firstValue("X-Meridian-Region").orElse("?"), response.body(), List.of());
    }

    /** A streamed chat completion, read to its end: the data lines of its events. */
    static Call stream(String name, String client, String body) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> response = http.send(
                request("/v1/chat/completions", null, client, body).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        List<String> data = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        try (var lines = response.body()) {
            lines.forEach(line -> {
                all.append(line).append('\n');
                if (line.startsWith("data:")) {
                    data.add(line.substring(5).strip());
                }
            });
        }
        return new Call(name, null, client, body, response.statusCode(),
                response.headers().firstValue("X-Meridian-Region").orElse("?"), all.toString(), data);
    }

    static String streamedText(Call streamed) {
        StringBuilder text = new StringBuilder();
        for (String data : streamed.events()) {
            if (data.startsWith("{")) {
                text.append(json.readTree(data).path("choices").path(0).path("delta").path("content").asString(""));
            }
        }
        return text.toString();
    }

    /** A query with a word of its own, which the simulated model's answer repeats. */
    static String processBody(String what) {
        return "{\"query\":\"Long " + what + " call " + word() + "\"}";
    }

    static String chatBody(String what, boolean stream) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"Long " + what + " chat " + word() + "\"}],\"stream\":"
                + stream + "}";
    }

    static String word() {
        return "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static String uniqueWord(String body) {
        java.util.regex.Matcher word = java.util.regex.Pattern.compile("\\bw[0-9a-f]{12}\\b").matcher(body);
        if (!word.find()) {
            throw new IllegalArgumentException("no unique word in " + body);
        }
        return word.group();
    }
}
