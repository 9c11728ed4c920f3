package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Redis Streams backend with real processes: task-server replicas of one region, started from
 * the packaged jar in their own JVMs, sharing a Redis with append-only persistence that this test
 * starts. Replicas are killed with SIGKILL mid-task and Redis is killed and restarted; every task
 * a replica accepted (202) must end succeeded or dead-lettered, none lost, none created twice.
 *
 * <p>Run alone: {@code ./mvnw -pl load-tests -am verify -Dit.test=RedisReplicasIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}. The chaos run's size: {@code -Dchaos.tasks=10000}
 * (the default).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisReplicasIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A lost replica is noticed after this; short, so the tests do not wait long. */
    private static final String REPLICA_TIMEOUT = "2s";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<JvmReplica> replicas = new ArrayList<>();

    private Path work;

    private AofRedis redis;

    @BeforeAll
    void startRedis() throws IOException {
        work = Path.of("target", "redis-replicas").toAbsolutePath();
        Files.createDirectories(work);
        redis = AofRedis.start(Files.createTempDirectory(work, "redis-"));
    }

    @AfterEach
    void stopReplicas() throws InterruptedException {
        for (JvmReplica replica : replicas) {
            replica.close();
        }
        replicas.clear();
    }

    @AfterAll
    void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void theTasksOfAReplicaKilledMidTaskAreFinishedByAnother() throws Exception {
        // 3 s per answer and at most 4 workers each: 10 tasks keep both replicas busy, so the victim
        // is surely running some when it dies.
        JvmReplica victim = replica("victim", "kill-test", "--meridian.model.simulated.latency=3s",
                "--meridian.queues.simple.max-workers=4");
        JvmReplica survivor = replica("survivor", "kill-test", "--meridian.model.simulated.latency=3s",
                "--meridian.queues.simple.max-workers=4");
        awaitReady(victim, survivor);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(submit(victim, "kill-" + i).orElseThrow());
        }
        awaitUntil(Duration.ofSeconds(30), () -> count(survivor, ids, "running") == 8);

        victim.kill();

        awaitUntil(Duration.ofSeconds(60), () -> count(survivor, ids, "succeeded") == ids.size());
        List<JsonNode> tasks = new ArrayList<>();
        for (String id : ids) {
            tasks.add(task(survivor, id).orElseThrow());
        }
        assertThat(tasks).as("tasks the victim was running, run again by the survivor")
                .filteredOn(task -> task.path("attempts").asInt() == 2).hasSize(4);
        assertThat(tasks).allSatisfy(task -> assertThat(task.path("attempts").asInt()).isBetween(1, 2));
    }

    @Test
    void noAcceptedTaskIsLostWhenRedisIsKilledAndRestarted() throws Exception {
        JvmReplica server = replica("restart", "restart-test", "--meridian.model.simulated.latency=200ms",
                "--meridian.queues.simple.max-workers=4");
        awaitReady(server);
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            accepted.add(submit(server, "before-" + i).orElseThrow());
        }

        redis.kill();
        List<Integer> outage = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> answer = post(server, "during-" + i);
            outage.add(answer.statusCode());
            if (answer.statusCode() == 202) {
                accepted.add(idOf(answer));
            }
        }
        redis.startAgain();
        for (int i = 0; i < 20; i++) {
            accepted.add(awaitAccepted(server, "after-" + i));
        }

        assertThat(outage).as("answers while Redis was down").allSatisfy(status -> assertThat(status).isIn(202, 503));
        awaitUntil(Duration.ofSeconds(90), () -> count(server, accepted, "succeeded") == accepted.size());
    }

    /**
     * The check of a whole night in a minute: thousands of tasks submitted to three replicas while
     * two of them are killed in turn (and started again) and Redis is killed and restarted. Every
     * accepted task must end succeeded or dead-lettered; prints what happened.
     */
    @Test
    void thousandsOfTasksSurviveKilledReplicasAndARedisRestart() throws Exception {
        int total = Integer.getInteger("chaos.tasks", 10_000);
        String[] settings = {"--meridian.model.simulated.latency=50ms", "--meridian.queues.simple.max-workers=32",
                "--meridian.queues.simple.max-depth=" + (total * 2), "--meridian.server.capacity=" + (total * 2)};
        List<JvmReplica> three = List.of(replica("chaos-a", "chaos-test", settings),
                replica("chaos-b", "chaos-test", settings), replica("chaos-c", "chaos-test", settings));
        awaitReady(three.toArray(JvmReplica[]::new));

        Map<String, String> accepted = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger given = new AtomicInteger();
        AtomicLong next = new AtomicLong();
        Instant start = Instant.now();
        Semaphore clients = new Semaphore(16);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> chaos = pool.submit(() -> chaos(three));
            List<Future<?>> submits = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                clients.acquire();
                String key = "chaos-" + i;
                submits.add(pool.submit(() -> {
                    try {
                        submitSurely(three, key, next, accepted, refused, given);
                    }
                    finally {
                        clients.release();
                    }
                    return null;
                }));
            }
            for (Future<?> submit : submits) {
                submit.get();
            }
            chaos.get();
        }
        Duration submitting = Duration.between(start, Instant.now());

        // Finished states are final, so each round asks only about the tasks not yet finished. The
        // wait is bounded by progress, not by a fixed window: it fails when no task has finished
        // for two minutes (a stuck task), however slow the machine.
        List<String> ids = List.copyOf(accepted.values());
        Map<String, JsonNode> finished = new ConcurrentHashMap<>();
        Map<String, String> unfinished = new TreeMap<>();
        awaitProgress(Duration.ofMinutes(2), () -> {
            unfinished.clear();
            for (String id : ids) {
                if (finished.containsKey(id)) {
                    continue;
                }
                JsonNode task = anyLive(three, id);
                String status = task == null ? "missing" : task.path("status").asString();
                if (status.equals("succeeded") || status.equals("dead_lettered")) {
                    finished.put(id, task);
                }
                else {
                    unfinished.put(id, task == null ? "missing" : task.toString());
                }
            }
            return finished.size();
        }, (int) ids.stream().distinct().count(), () -> "%d of %d tasks unfinished, for example %s".formatted(unfinished.size(), ids.size(),
                unfinished.entrySet().stream().limit(5).toList()));
        Map<String, Integer> outcomes = new TreeMap<>();
        AtomicInteger reRun = new AtomicInteger();
        for (JsonNode task : finished.values()) {
            outcomes.merge(task.path("status").asString(), 1, Integer::sum);
            if (task.path("attempts").asInt() > 1) {
                reRun.incrementAndGet();
            }
        }
        System.out.printf("chaos: %d tasks, %d submit answers other than 202 (then retried), %d given up, "
                + "%d accepted under %d distinct ids, outcomes %s, run more than once %d, submitting took %d ms, "
                + "all done after %d ms%n", total, refused.get(), given.get(), accepted.size(),
                ids.stream().distinct().count(), outcomes, reRun.get(), submitting.toMillis(),
                Duration.between(start, Instant.now()).toMillis());

        assertThat(ids).as("one task per idempotency key").doesNotHaveDuplicates();
        assertThat(outcomes.keySet()).as("every accepted task ended").isSubsetOf("succeeded", "dead_lettered");
        assertThat(accepted).as("most submits accepted despite the chaos").hasSizeGreaterThan(total * 9 / 10);
    }

    /** Kills chaos-a, then Redis, then chaos-b, starting each again a little later. */
    private Void chaos(List<JvmReplica> three) throws Exception {
        Thread.sleep(1500);
        three.get(0).kill();
        Thread.sleep(1500);
        three.get(0).startAgain();
        redis.kill();
        Thread.sleep(1000);
        redis.startAgain();
        Thread.sleep(1500);
        three.get(1).kill();
        three.get(0).awaitReady(Duration.ofMinutes(2));
        three.get(1).startAgain();
        three.get(1).awaitReady(Duration.ofMinutes(2));
        return null;
    }

    /**
     * Submits one task with its idempotency key, to the replicas in turn, again after a refusal or
     * a broken connection, as a client behind the gateway would; records it once accepted.
     */
    private void submitSurely(List<JvmReplica> three, String key, AtomicLong next,
            Map<String, String> accepted, AtomicInteger refused, AtomicInteger given) throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            JvmReplica replica = three.get((int) (next.getAndIncrement() % three.size()));
            try {
                HttpResponse<String> answer = post(replica, key);
                if (answer.statusCode() == 202) {
                    String id = idOf(answer);
                    String before = accepted.putIfAbsent(key, id);
                    assertThat(before).as("the same key answered with the same task").isIn(null, id);
                    return;
                }
                refused.incrementAndGet();
            }
            catch (IOException down) {
                // Killed or starting: the next replica.
            }
            Thread.sleep(50);
        }
        given.incrementAndGet();
    }

    private JvmReplica replica(String name, String region, String... settings) throws IOException {
        List<String> all = new ArrayList<>(List.of(settings));
        all.add("--meridian.redis.replica-timeout=" + REPLICA_TIMEOUT);
        JvmReplica replica = JvmReplica.start(name, region, redis.url(), work.resolve("logs"),
                all.toArray(String[]::new));
        replicas.add(replica);
        return replica;
    }

    private static void awaitReady(JvmReplica... replicas) throws Exception {
        for (JvmReplica replica : replicas) {
            replica.awaitReady(Duration.ofMinutes(2));
        }
    }

    private Optional<String> submit(JvmReplica replica, String key) throws Exception {
        HttpResponse<String> answer = post(replica, key);
        return answer.statusCode() == 202 ? Optional.of(idOf(answer)) : Optional.empty();
    }

    private String awaitAccepted(JvmReplica replica, String key) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Optional<String> id = submit(replica, key);
            if (id.isPresent()) {
                return id.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("replica " + replica.name + " accepted nothing for 60 s after Redis came back");
    }

    private HttpResponse<String> post(JvmReplica replica, String key) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(replica.uri("/v1/tasks"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"chaos " + key + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String idOf(HttpResponse<String> answer) {
        return JSON.readTree(answer.body()).path("id").asString();
    }

    private Optional<JsonNode> task(JvmReplica replica, String id) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(replica.uri("/v1/tasks/" + id))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? Optional.of(JSON.readTree(answer.body())) : Optional.empty();
    }

    private JsonNode anyLive(List<JvmReplica> three, String id) throws InterruptedException {
        for (JvmReplica replica : three) {
            try {
                Optional<JsonNode> task = task(replica, id);
                if (task.isPresent()) {
                    return task.get();
                }
            }
            catch (IOException down) {
                // Try the next one.
            }
        }
        return null;
    }

    private long count(JvmReplica replica, List<String> ids, String status) throws Exception {
        long matching = 0;
        for (String id : ids) {
            if (task(replica, id).map(task -> task.path("status").asString().equals(status)).orElse(false)) {
                matching++;
            }
        }
        return matching;
    }

    /** Polls a condition that makes HTTP calls until it holds; a call that fails counts as not yet. */
    private static void awaitUntil(Duration timeout, Check check) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                if (check.holds()) {
                    return;
                }
            }
            catch (IOException notNow) {
                // Not reachable at the moment: try again.
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not reached within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Polls a count until it reaches {@code target}; fails when the count has not grown for
     * {@code stall}, with what {@code state} says. A round that fails on a connection counts as no
     * progress.
     */
    private static void awaitProgress(Duration stall, Progress progress, int target, Supplier<String> state)
            throws Exception {
        int best = -1;
        Instant lastGrowth = Instant.now();
        while (true) {
            try {
                int now = progress.count();
                if (now >= target) {
                    return;
                }
                if (now > best) {
                    best = now;
                    lastGrowth = Instant.now();
                }
            }
            catch (IOException notNow) {
                // Not reachable at the moment: try again.
            }
            if (Instant.now().isAfter(lastGrowth.plus(stall))) {
                throw new AssertionError("no progress for " + stall + ": " + state.get());
            }
            Thread.sleep(200);
        }
    }

    @FunctionalInterface
    private interface Progress {
        int count() throws Exception;
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }
}
