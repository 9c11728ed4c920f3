package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Long LLM calls through the gateway, many at once: sync {@code POST /process}, non-streamed
 * {@code POST /v1/chat/completions} and streamed chat completions read to {@code [DONE]}, a share
 * of each with an {@code Idempotency-Key}. The model's slowness comes from the stack (the
 * simulated model's latency or profile, see {@code load-tests/bin/long-calls}), not from here: each
 * call takes as long as the region's model does.
 *
 * <p>Properties: {@code -Dmeridian.rate} calls per second (open model, default 2), or {@code
 * -Dmeridian.concurrency} calls in flight at all times (closed model; overrides the rate);
 * {@code -Dmeridian.duration} (default 120 s); {@code -Dmeridian.kinds} a comma-separated subset
 * of {@code process,chat,stream} (default all three, equal shares); {@code -Dmeridian.keyedShare}
 * the fraction of calls sent with an {@code Idempotency-Key} (default 0.5); {@code
 * -Dmeridian.maxFailedPercent} (default 0); {@code -Dmeridian.model.profile} only labels the run.
 * Gatling's own request timeout (60 s) must exceed the longest call: {@code
 * -Dgatling.http.requestTimeout=<ms>}.
 *
 * <p>Checks: 200; {@code /process} has an {@code answer}, a chat completion a message, a stream
 * {@code text/event-stream} with at least one content delta and the closing {@code [DONE]}.
 * Every call is counted by kind and outcome ({@link CallOutcomes}); the table is printed at the
 * end and, with {@code -Dmeridian.outcomes=<file>}, written there. Asserts at most {@code
 * maxFailedPercent} % failed calls.
 *
 * <pre>
 * load-tests/bin/long-calls faults --latency 15s          # an isolated stack, a region killed, one frozen
 * </pre>
 */
public class LongCallsSimulation extends Simulation {

    static final Set<String> KINDS = Set.of("process", "chat", "stream");

    final double rate = MeridianLoad.rate("meridian.rate", 2);

    final int concurrency = MeridianLoad.integer("meridian.concurrency", 0);

    final Duration duration = MeridianLoad.duration("meridian.duration", Duration.ofSeconds(120));

    final double keyedShare = share("meridian.keyedShare", 0.5);

    final List<String> kinds = kinds();

    final CallOutcomes outcomes = new CallOutcomes();

    {
        List<PopulationBuilder> populations = new ArrayList<>();
        for (String kind : kinds) {
            ScenarioBuilder clients = scenario("Long calls: " + kind).feed(ClientFeeder.worldwide()).exec(call(kind));
            populations.add(concurrency > 0
                    ? clients.injectClosed(constantConcurrentUsers(Math.max(1, concurrency / kinds.size())).during(duration))
                    : clients.injectOpen(constantUsersPerSec(rate / kinds.size()).during(duration)));
        }
        System.out.printf("long calls: %s for %s, kinds %s, %.0f %% keyed, model profile %s%n",
                concurrency > 0 ? concurrency + " in flight" : rate + " calls/s", duration, kinds, keyedShare * 100,
                System.getProperty("meridian.model.profile", "(none: fixed latency)"));
        setUp(populations)
                .protocols(MeridianLoad.httpProtocol())
                .assertions(global().failedRequests().percent().lte(share("meridian.maxFailedPercent", 0) * 100));
    }

    @Override
    public void after() {
        outcomes.report("long calls: outcomes");
    }

    private ChainBuilder call(String kind) {
        return CoreDsl.doIfOrElse(session -> ThreadLocalRandom.current().nextDouble() < keyedShare)
                .then(CoreDsl.exec(request(kind, true)).exec(outcomes.record(kind + " keyed")))
                .orElse(CoreDsl.exec(request(kind, false)).exec(outcomes.record(kind)));
    }

    static HttpRequestActionBuilder request(String kind, boolean keyed) {
        String name = switch (kind) {
            case "process" -> "POST /process";
            case "chat" -> "POST /v1/chat/completions";
            default -> "POST /v1/chat/completions (stream)";
        } + (keyed ? " keyed" : "");
        HttpRequestActionBuilder request = http(name).post(kind.equals("process") ? "/process" : "/v1/chat/completions")
                .header("X-Forwarded-For", "#{clientIp}");
        if (keyed) {
            request = request.header("Idempotency-Key", session -> UUID.randomUUID().toString());
        }
        // The saving checks come first: they never fail, so the outcome is known whatever fails after.
        // The error code is Meridian's "error" member, or "code" in OpenAI's shape on the chat routes.
        request = request.check(status().saveAs(CallOutcomes.STATUS),
                regex("\"(?:error|code)\"\\s*:\\s*\"([^\"]+)\"").optional().saveAs(CallOutcomes.ERROR_CODE));
        return switch (kind) {
            case "process" -> request.body(StringBody("{\"query\":\"Write a long answer for #{country}\"}"))
                    .check(status().is(200), regex("\"answer\"\\s*:").exists());
            case "chat" -> request.body(StringBody(chatBody(false)))
                    .check(status().is(200), regex("\"message\"\\s*:\\s*\\{").exists());
            default -> request.header("Accept", "text/event-stream").body(StringBody(chatBody(true)))
                    .check(substring("[DONE]").count().saveAs(CallOutcomes.DONE),
                            status().is(200),
                            header("Content-Type").transform(type -> type.startsWith("text/event-stream")).is(true),
                            regex("\"delta\":\\{\"content\":\"[^\"]+\"").count().gte(1),
                            substring("[DONE]").exists());
        };
    }

    private static String chatBody(boolean stream) {
        return """
                {"messages":[{"role":"user","content":"Explain the weather in #{country} at length."}],\
                "stream":%s}""".formatted(stream);
    }

    private static List<String> kinds() {
        List<String> kinds = Arrays.stream(System.getProperty("meridian.kinds", "process,chat,stream").split(","))
                .map(String::strip).filter(kind -> !kind.isEmpty()).distinct().toList();
        for (String kind : kinds) {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("-Dmeridian.kinds: '" + kind + "' is none of process, chat, stream");
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("-Dmeridian.kinds names no kind of call (process, chat, stream)");
        }
        return kinds;
    }

    /** A fraction in [0, 1] from {@code name} (a percentage for {@code maxFailedPercent}). */
    private static double share(String name, double fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(value.strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("-D" + name + " must be a number, but was '" + value + "'", ex);
        }
        double fraction = name.endsWith("Percent") ? parsed / 100 : parsed;
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("-D" + name + " must be between 0 and " + (name.endsWith("Percent") ? 100 : 1)
                    + ", but was " + value);
        }
        return fraction;
    }
}
