package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * The asynchronous task flow: geo-mixed clients submit a task ({@code POST /v1/tasks}, 202 with an
 * id that names their region) and wait for its result, half of them by polling {@code GET
 * /v1/tasks/{id}} every 100 ms, half by reading {@code GET /v1/tasks/{id}/events} (server-sent
 * events) until the stream ends. Models batch clients and UIs that do not hold a request open
 * for the whole model call, and checks that id-based routing sends every follow-up request to the
 * region that holds the task.
 *
 * <p>Asserts: every task succeeds (a failed, cancelled or unfinished task is a failed request);
 * p99 of the submits below {@code -Dmeridian.p99Ms} (default 500 ms) and of the event streams (the
 * time until the result) below 2 s; under 1 % failed requests.
 *
 * <pre>
 * bin/meridian up --detach
 * ./mvnw -pl load-tests gatling:test -Dgatling.simulationClass=io.meridian.load.gatling.AsyncTaskSimulation \
 *     -Dmeridian.rate=10 -Dmeridian.duration=45
 * </pre>
 */
public class AsyncTaskSimulation extends Simulation {

    static final String SUBMIT = "POST /v1/tasks";

    static final String EVENTS = "GET /v1/tasks/{id}/events";

    final double rate = MeridianLoad.rate("meridian.rate", 10);

    final Duration duration = MeridianLoad.duration("meridian.duration", Duration.ofSeconds(45));

    final ScenarioBuilder pollingClients = scenario("Submit, then poll")
            .feed(ClientFeeder.worldwide())
            .exec(MeridianLoad.submitTask(SUBMIT))
            .exec(MeridianLoad.pollTask("GET /v1/tasks/{id}", Duration.ofMillis(100), 300));

    final ScenarioBuilder streamingClients = scenario("Submit, then read events")
            .feed(ClientFeeder.worldwide())
            .exec(MeridianLoad.submitTask(SUBMIT))
            .exec(MeridianLoad.taskEvents(EVENTS));

    {
        setUp(pollingClients.injectOpen(constantUsersPerSec(rate / 2).during(duration)),
                streamingClients.injectOpen(constantUsersPerSec(rate / 2).during(duration)))
                .protocols(MeridianLoad.httpProtocol())
                .assertions(
                        details(SUBMIT).responseTime().percentile(99).lt(MeridianLoad.integer("meridian.p99Ms", 500)),
                        details(EVENTS).responseTime().percentile(99).lt(2000),
                        global().failedRequests().percent().lt(1.0));
    }
}
