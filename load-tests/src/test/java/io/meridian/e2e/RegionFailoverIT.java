package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On the real local stack, under steady load from German clients: eu-central is killed with
 * SIGKILL and started again. Every request carrying an Idempotency-Key must still succeed, served
 * by the next-nearest region while eu-central is down, and traffic must return to eu-central once
 * it is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegionFailoverIT {

    static LocalStack stack;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One request: when it was sent and when it was answered, both since the test's origin. Windows
     * of the test select requests by both, so that a request in flight across an event (sent before
     * the kill, answered after it) is never counted in the window after it. A failed request keeps
     * the start of its error body, which names what failed.
     */
    record Outcome(long sentNanos, long atNanos, int status, String region, long tookMillis, String error) {
    }

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start();
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * The gateway's {@code meridian.failover.deadlines.take}: a request routed around a frozen region
     * takes far less; one caught in it waits until the health checks mark the region down, which
     * releases it to the next region.
     */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    /** When the first request sent after {@code after} and answered by {@code region} was sent, or -1. */
    static long firstSentTo(List<Outcome> outcomes, String region, long after) {
        synchronized (outcomes) {
            return outcomes.stream().filter(o -> o.sentNanos() > after && o.region().equals(region))
                    .mapToLong(Outcome::sentNanos).min().orElse(-1);
        }
    }

    /** Probe attempts a half-open circuit lets through (meridian.failover.circuit-breaker's default). */
    static final int HALF_OPEN_PROBES = 3;

    /**
     * When {@code region} had answered {@link #HALF_OPEN_PROBES} requests sent after {@code after}
     * (its circuit closed again by then), or -1 before.
     */
    static long probesAnsweredAt(List<Outcome> outcomes, String region, long after) {
        synchronized (outcomes) {
            return outcomes.stream().filter(o -> o.sentNanos() > after && o.region().equals(region))
                    .mapToLong(Outcome::atNanos).sorted().skip(HALF_OPEN_PROBES - 1).findFirst().orElse(-1);
        }
    }

    /** How many requests {@code region} has answered. */
    static long answeredBy(List<Outcome> outcomes, String region) {
        return answeredBy(outcomes, region, Long.MIN_VALUE);
    }

    /** How many requests sent after {@code after} {@code region} has answered. */
    static long answeredBy(List<Outcome> outcomes, String region, long after) {
        synchronized (outcomes) {
            return outcomes.stream().filter(o -> o.sentNanos() > after && o.region().equals(region)).count();
        }
    }

    static final java.util.concurrent.atomic.AtomicInteger clients = new java.util.concurrent.atomic.AtomicInteger();

    /** A German client (Deutsche Telekom's 80.128.0.0/11), a different one each time, so no rate limit applies. */
    static String germanClient() {
        int n = clients.incrementAndGet();
        return "80.133." + (n / 250 % 250) + "." + (n % 250 + 1);
    }

    static Outcome send(long origin) {
        long sent = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/process"))
                .timeout(Duration.ofSeconds(30))
                .header("X-Forwarded-For", germanClient())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"Hello CPU\"}"))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Outcome(sent - origin, System.nanoTime() - origin, response.statusCode(),
                    response.headers().firstValue("X-Meridian-Region").orElse("?"),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent),
                    response.statusCode() == 200 ? "" : body.substring(0, Math.min(body.length(), 400)));
        } catch (Exception ex) {
            return new Outcome(sent - origin, System.nanoTime() - origin, -1, ex.getClass().getSimpleName(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent), String.valueOf(ex.getMessage()));
        }
    }

    /** Runs {@code clients} loops sending keyed requests until {@code running} is cleared. */
    static ExecutorService load(List<Outcome> outcomes, AtomicBoolean running, long origin) {
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        for (int c = 0; c < 4; c++) {
            clients.submit(() -> {
                while (running.get()) {
                    outcomes.add(send(origin));
                }
            });
        }
        return clients;
    }

    @Test
    @Order(1)
    void keyedRequestsSurviveARegionBeingKilledAndComeBackWhenItReturns() throws Exception {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        long origin = System.nanoTime();
        ExecutorService clients = load(outcomes, running, origin);
        try {
            // Steady state before the failure: eu-central has answered a few times (the first answers of
            // a freshly started stack take seconds on a busy machine).
            await().atMost(Duration.ofSeconds(60)).until(() -> answeredBy(outcomes, "eu-central") >= 8);
            long steadyFrom = firstSentTo(outcomes, "eu-central", 0);
            // The kill runs a script that waits for the process to exit: requests sent while it starts
            // may still be answered by eu-central (seen on a loaded machine, 400 ms after the call).
            // "Down" starts when the command has returned.
            long killStartedAt = System.nanoTime() - origin;
            assertThat(stack.run("kill", "eu-central")).contains("eu-central killed");
            long killedAt = System.nanoTime() - origin;
            TimeUnit.SECONDS.sleep(4);
            long restartAt = System.nanoTime() - origin;
            assertThat(stack.run("start", "eu-central")).contains("eu-central ready");
            long readyAt = System.nanoTime() - origin;
            // Back in rotation once a health check has seen it (1 s apart, longer on a busy machine). If
            // its circuit opened during the kill (failures counted before the health checks marked it
            // down, as on a loaded machine), its half-open probes go there first while other requests
            // still go elsewhere; when they have answered, it is closed.
            long backAt = await().atMost(Duration.ofSeconds(60))
                    .until(() -> probesAnsweredAt(outcomes, "eu-central", readyAt), at -> at >= 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> answeredBy(outcomes, "eu-central", backAt) >= 8);
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            List<Outcome> all = List.copyOf(outcomes);
            List<Outcome> failed = all.stream().filter(o -> o.status() != 200).toList();
            assertThat(failed).as("keyed requests that failed out of %d", all.size()).isEmpty();

            // Once eu-central answers, German clients are in eu-central.
            assertThat(all.stream().filter(o -> o.sentNanos() > steadyFrom && o.atNanos() < killStartedAt))
                    .as("before the kill")
                    .isNotEmpty().allSatisfy(o -> assertThat(o.region()).isEqualTo("eu-central"));
            List<Outcome> whileDown = all.stream()
                    .filter(o -> o.sentNanos() > killedAt && o.atNanos() < restartAt).toList();
            assertThat(whileDown).as("while eu-central is down").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.region()).isEqualTo("us-east"));
            List<Outcome> afterReturn = all.stream().filter(o -> o.sentNanos() > backAt).toList();
            assertThat(afterReturn).as("after eu-central is back").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.region()).isEqualTo("eu-central"));

            long lastEu = all.stream()
                    .filter(o -> o.atNanos() > killStartedAt && o.atNanos() < restartAt && o.region().equals("eu-central"))
                    .mapToLong(Outcome::atNanos).max().orElse(killStartedAt);
            long backEu = all.stream().filter(o -> o.atNanos() > readyAt && o.region().equals("eu-central"))
                    .mapToLong(Outcome::atNanos).min().orElse(-1);
            System.out.printf("failover run: %d requests, 0 failed; last eu-central answer %d ms after the kill;"
                            + " first eu-central answer %d ms after it was ready again%n",
                    all.size(), TimeUnit.NANOSECONDS.toMillis(lastEu - killStartedAt),
                    backEu < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(backEu - readyAt));
        } finally {
            running.set(false);
            clients.shutdownNow();
        }
    }

    /**
     * A frozen region (SIGSTOP) still accepts connections but never answers: requests caught in it
     * are released to the next region when the health checks take it out of rotation, within a
     * few seconds, after which requests no longer wait for it at all.
     */
    @Test
    @Order(2)
    void aFrozenRegionIsBypassedAndReturnsWhenThawed() throws Exception {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        long origin = System.nanoTime();
        ExecutorService clients = load(outcomes, running, origin);
        try {
            TimeUnit.SECONDS.sleep(2);
            long frozenAt = System.nanoTime() - origin;
            assertThat(stack.run("freeze", "eu-central")).contains("eu-central frozen");
            TimeUnit.SECONDS.sleep(12);
            long thawedAt = System.nanoTime() - origin;
            assertThat(stack.run("thaw", "eu-central")).contains("eu-central thawed");
            await().atMost(Duration.ofSeconds(60)).until(() -> probesAnsweredAt(outcomes, "eu-central", thawedAt),
                    at -> at >= 0);
            TimeUnit.SECONDS.sleep(2);
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            List<Outcome> all = List.copyOf(outcomes);
            assertThat(all.stream().filter(o -> o.status() != 200).toList())
                    .as("keyed requests that failed out of %d", all.size()).isEmpty();
            // Sent once the health checks had time to notice (3 failed checks of 1 s, 1 s apart):
            long noticed = frozenAt + TimeUnit.SECONDS.toNanos(7);
            List<Outcome> bypassed = all.stream()
                    .filter(o -> o.sentNanos() > noticed && o.atNanos() < thawedAt)
                    .toList();
            // A request caught in the frozen region waits until it is marked down before it fails over;
            // one that was routed around it does not wait for it at all, however slow the machine.
            assertThat(bypassed).isNotEmpty().allSatisfy(o -> {
                assertThat(o.region()).isEqualTo("us-east");
                assertThat(o.tookMillis()).isLessThan(ATTEMPT_TIMEOUT.toMillis());
            });
            // The region's circuit opened while it was frozen; once it is back, its half-open probes
            // go there while other requests still go elsewhere. When they have answered, it is closed.
            long backAt = probesAnsweredAt(all, "eu-central", thawedAt);
            assertThat(backAt).as("eu-central's half-open probes answered after the thaw").isNotNegative();
            List<Outcome> afterThaw = all.stream().filter(o -> o.sentNanos() > backAt).toList();
            assertThat(afterThaw).isNotEmpty().allSatisfy(o -> assertThat(o.region()).isEqualTo("eu-central"));
            long slowest = all.stream().mapToLong(Outcome::tookMillis).max().orElse(0);
            System.out.printf("freeze run: %d requests, 0 failed; slowest %d ms (caught in the frozen region until it was"
                    + " marked down)%n", all.size(), slowest);
        } finally {
            running.set(false);
            clients.shutdownNow();
            stack.run("thaw", "eu-central");
        }
    }
}
