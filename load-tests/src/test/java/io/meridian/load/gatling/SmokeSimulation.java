package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A short smoke load over every kind of traffic the gateway serves, for continuous integration:
 * geo-mixed {@code POST /process} (answered by the client's own region), an asynchronous task
 * submitted and polled, a task's server-sent events read to the result, and an OpenAI-compatible
 * streamed chat completion, all at a light rate for {@code -Dmeridian.duration} (default 20 s).
 *
 * <p>{@code ./mvnw verify} runs it against a fresh local stack through {@code SmokeSimulationIT}
 * (in {@code io.meridian.e2e}), which fails the build when an assertion fails. Asserts under 1 %
 * failed requests. It asserts no latency by default: a build on a busy machine says nothing about
 * speed, which belongs to the benchmarks (docs/benchmarks.md); {@code -Dmeridian.p99Ms=3000} adds a
 * p99 bound for a run on a quiet machine. The report (target/gatling) shows the percentiles either way.
 *
 * <pre>
 * bin/meridian up --detach
 * ./mvnw -pl load-tests gatling:test -Dgatling.simulationClass=io.meridian.load.gatling.SmokeSimulation
 * </pre>
 */
public class SmokeSimulation extends Simulation {

    final Duration duration = MeridianLoad.duration("meridian.duration", Duration.ofSeconds(20));

    final ScenarioBuilder process = scenario("Geo-mixed /process")
            .feed(ClientFeeder.worldwide())
            .exec(MeridianLoad.process("POST /process"));

    final ScenarioBuilder pollTask = scenario("Task, polled")
            .feed(ClientFeeder.worldwide())
            .exec(MeridianLoad.submitTask("POST /v1/tasks"))
            .exec(MeridianLoad.pollTask("GET /v1/tasks/{id}", Duration.ofMillis(100), 300));

    final ScenarioBuilder taskEvents = scenario("Task, events")
            .feed(ClientFeeder.worldwide())
            .exec(MeridianLoad.submitTask("POST /v1/tasks"))
            .exec(MeridianLoad.taskEvents("GET /v1/tasks/{id}/events"));

    final ScenarioBuilder chat = scenario("Streamed chat")
            .feed(ClientFeeder.worldwide())
            .exec(MeridianLoad.chatStream("POST /v1/chat/completions (stream)"));

    {
        setUp(process.injectOpen(constantUsersPerSec(5).during(duration)),
                pollTask.injectOpen(constantUsersPerSec(1).during(duration)),
                taskEvents.injectOpen(constantUsersPerSec(1).during(duration)),
                chat.injectOpen(constantUsersPerSec(1).during(duration)))
                .protocols(MeridianLoad.httpProtocol())
                .assertions(assertions());
    }

    /** Under 1 % failed requests; a p99 bound only when {@code -Dmeridian.p99Ms} asks for one. */
    static List<Assertion> assertions() {
        List<Assertion> assertions = new ArrayList<>();
        assertions.add(global().failedRequests().percent().lt(1.0));
        int p99Ms = MeridianLoad.integer("meridian.p99Ms", 0);
        if (p99Ms > 0) {
            assertions.add(global().responseTime().percentile(99).lt(p99Ms));
        }
        return assertions;
    }
}
