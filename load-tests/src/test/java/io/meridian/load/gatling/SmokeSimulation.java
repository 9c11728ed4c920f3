package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A short smoke load over every kind of traffic the gateway serves, for continuous integration:
 * geo-mixed {@code POST /process} (answered by the client's own region), an asynchronous task
 * submitted and polled, a task's server-sent events read to the result, and an OpenAI-compatible
 * streamed chat completion, all at a light rate for {@code -Dmeridian.duration} (default 20 s).
 *
 * <p>{@code ./mvnw verify} runs it against a fresh local stack through {@code SmokeSimulationIT}
 * (in {@code io.meridian.e2e}), which fails the build when an assertion fails. Asserts: p99 below
 * {@code -Dmeridian.p99Ms} (default 3 s: the stack has just started, and a streamed answer takes
 * about a second), under 1 % failed requests.
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
                .assertions(
                        global().responseTime().percentile(99).lt(MeridianLoad.integer("meridian.p99Ms", 3000)),
                        global().failedRequests().percent().lt(1.0));
    }
}
