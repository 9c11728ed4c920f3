package io.meridian.e2e;

import static io.meridian.e2e.GatewayCalls.chatBody;
import static io.meridian.e2e.GatewayCalls.processBody;
import static io.meridian.e2e.GatewayCalls.streamedText;
import static io.meridian.e2e.GatewayCalls.uniqueWord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.e2e.GatewayCalls.Call;
import io.meridian.e2e.StackMetrics.RegionWork;
import java.time.Duration;
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
 * <p>One round of five long calls, sent at once, serves the first three tests; the kill and the
 * repeat after it come last, as the kill leaves eu-central down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LongCallsIT {

    static final int MODEL_SECONDS = 12;

    /** Longer than the model, the region's sync wait (30 s) and any queueing of a busy machine. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(150);

    static final JsonMapper json = GatewayCalls.json;
    static LocalStack stack;
    static StackMetrics metrics;
    static GatewayCalls gateway;
    static Round round;
    static Exception roundFailed;
    /** The keyed call during which eu-central was killed, and the living regions' work and duplicates before it. */
    static Call killedDuring;
    static Map<String, RegionWork> beforeKill;
    static double duplicatesBeforeKill;

    @BeforeAll
    static void startWithASlowModel() throws Exception {
        // Both a plain answer and a stream's first token take the model's time.
        stack = LocalStack.start(Map.of("MERIDIAN_TASK_SERVER_ARGS",
                "--meridian.model.simulated.latency=" + MODEL_SECONDS + "s"
                        + " --meridian.model.simulated.time-to-first-token=" + MODEL_SECONDS + "s"));
        metrics = new StackMetrics(stack);
        gateway = new GatewayCalls(stack, CALL_TIMEOUT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** The first round: five long calls at once, and every region's work before and after them. */
    record Round(Map<String, Call> calls, Map<String, RegionWork> before, Map<String, RegionWork> after) {
    }

    static synchronized Round round() throws Exception {
        if (round != null) {
            return round;
        }
        if (roundFailed != null) {
            throw new IllegalStateException("the round of long calls failed", roundFailed);
        }
        try {
            round = sendRound();
        } catch (Exception ex) {
            roundFailed = ex;
            throw ex;
        }
        return round;
    }

    static Round sendRound() throws Exception {
        Map<String, RegionWork> before = quiet(stack.regionPorts);
        String processKey = "long-process-" + UUID.randomUUID();
        String chatKey = "long-chat-" + UUID.randomUUID();
        Map<String, Callable<Call>> sends = new LinkedHashMap<>();
        sends.put("process", () -> gateway.post("process", "/process", null, "80.133.1.1", processBody("sync")));
        sends.put("keyed process",
                () -> gateway.post("keyed process", "/process", processKey, "80.133.1.2", processBody("keyed")));
        sends.put("chat", () -> gateway.post("chat", "/v1/chat/completions", null, "8.8.8.8", chatBody("plain", false)));
        sends.put("streamed chat", () -> gateway.stream("streamed chat", "165.21.1.1", chatBody("streamed", true)));
        sends.put("keyed chat", () -> gateway.post("keyed chat", "/v1/chat/completions", chatKey, "24.114.1.1",
                chatBody("keyed", false)));
        Map<String, Call> calls = gateway.concurrently(sends);
        Round sent = new Round(calls, before, quiet(stack.regionPorts));
        System.out.printf("long calls: %s%nregions before %s%nregions after %s%n", calls.values(), before.values(),
                sent.after().values());
        return sent;
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
        Map<String, RegionWork> before = quiet(stack.regionPorts);

        // The same client again, and a client nearest another region with the same key.
        Map<String, Callable<Call>> repeats = new LinkedHashMap<>();
        repeats.put("process, same client",
                () -> gateway.post("process again", "/process", process.key(), process.client(), process.body()));
        repeats.put("process, from Singapore",
                () -> gateway.post("process again", "/process", process.key(), "165.21.1.2", process.body()));
        repeats.put("chat, same client",
                () -> gateway.post("chat again", "/v1/chat/completions", chat.key(), chat.client(), chat.body()));
        repeats.put("chat, from Germany",
                () -> gateway.post("chat again", "/v1/chat/completions", chat.key(), "80.133.1.3", chat.body()));
        Map<String, Call> answers = gateway.concurrently(repeats);
        Map<String, RegionWork> after = quiet(stack.regionPorts);

        SoftAssertions soft = new SoftAssertions();
        for (String name : List.of("process, same client", "process, from Singapore")) {
            Call repeat = answers.get(name);
            soft.assertThat(repeat.status()).as("%s: %s", name, repeat).isEqualTo(200);
            // A process answer names no task; the first execution's has its region, answer and latency.
            soft.assertThat(repeat.status() == 200 ? repeat.json() : repeat.answer())
                    .as("%s answers the first execution's result", name).isEqualTo(process.json());
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
        Map<String, Integer> ports = regionPortsByRegion();
        int euCentral = ports.remove("eu-central");
        List<Integer> living = List.copyOf(ports.values());
        Map<String, RegionWork> before = quiet(living);
        double duplicatesBefore = metrics.gatewayCounter("meridian_failover_duplicates");
        beforeKill = before;
        duplicatesBeforeKill = duplicatesBefore;
        String body = processBody("killed");

        Call call;
        try (ExecutorService client = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Call> answer = client.submit(() -> gateway.post("keyed process", "/process",
                    "long-killed-" + UUID.randomUUID(), "80.133.1.4", body));
            // eu-central runs the task: the model has begun when the kill comes.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> metrics.region(euCentral).busy() > 0);
            assertThat(stack.run("kill", "eu-central")).contains("eu-central killed");
            call = answer.get(CALL_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        }
        killedDuring = call;
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

    /**
     * Once the gateway knows eu-central is gone, the keyed request of the kill, repeated as its
     * client would after an error, is answered by one successor: at most one region besides the
     * dead owner ever ran it, and that second run is the one duplicate counted.
     */
    @Test
    @Order(5)
    void aKeyedRepeatAfterItsOwnerIsGoneIsAnsweredByOneSuccessorAndTheDuplicateIsCounted() throws Exception {
        Call killed = killedDuring;
        assertThat(killed).as("the keyed call of the kill").isNotNull();
        Map<String, Integer> ports = regionPortsByRegion(List.of("us-east", "ap-southeast"));
        List<Integer> living = List.copyOf(ports.values());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> metrics.gatewayGauge("meridian_region_healthy", "region", "eu-central") == 0);

        Call repeat = gateway.post("keyed process again", "/process", killed.key(), killed.client(), killed.body());
        Map<String, RegionWork> after = quiet(living);
        long ranElsewhere = ended(after) - ended(beforeKill);
        double duplicates = metrics.gatewayCounter("meridian_failover_duplicates") - duplicatesBeforeKill;
        System.out.printf("repeated after the owner was gone: %s; living regions before the kill %s, now %s;"
                + " duplicates counted %.0f%n", repeat, beforeKill.values(), after.values(), duplicates);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(repeat.status()).as("the repeat: %s", repeat).isEqualTo(200);
        soft.assertThat(repeat.region()).as("the successor that answered").isIn(ports.keySet());
        if (repeat.status() == 200) {
            soft.assertThat(repeat.json().path("answer").asString()).contains(uniqueWord(killed.body()));
        }
        if (killed.status() == 200) {
            soft.assertThat(repeat.status() == 200 ? repeat.json() : repeat.answer())
                    .as("the repeat answers the successor's task").isEqualTo(killed.json());
        }
        soft.assertThat(ranElsewhere).as("regions besides the dead owner that ran the task (before the kill %s, now %s)",
                beforeKill.values(), after.values()).isEqualTo(1);
        soft.assertThat(duplicates).as("meridian_failover_duplicates counted for the task run again").isEqualTo(1);
        soft.assertAll();
    }

    /** Waits until the regions on {@code regionPorts} run and hold nothing, and gives their work. */
    static Map<String, RegionWork> quiet(List<Integer> regionPorts) {
        return await().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ofMillis(1_500))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> metrics.regions(regionPorts),
                        work -> work.size() == regionPorts.size()
                                && work.values().stream().allMatch(region -> region.busy() == 0));
    }

    static Map<String, Integer> regionPortsByRegion(List<String> regions) throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int port : stack.regionPorts) {
            try {
                String region = metrics.region(port).region();
                if (regions.contains(region)) {
                    ports.put(region, port);
                }
            } catch (java.io.IOException gone) {
                // a killed region's port answers nothing
            }
        }
        return ports;
    }

    static Map<String, Integer> regionPortsByRegion() throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int port : stack.regionPorts) {
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
}
