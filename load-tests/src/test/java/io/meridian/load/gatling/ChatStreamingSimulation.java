package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * OpenAI-compatible streaming: geo-mixed clients call {@code POST /v1/chat/completions} with
 * {@code "stream": true} and read the server-sent events to the closing {@code data:[DONE]}, as
 * any OpenAI client does. Models chat front ends, whose streams stay open for the whole answer
 * and so hold gateway connections far longer than {@code /process}.
 *
 * <p>Asserts: each stream is {@code text/event-stream}, carries at least one content delta and
 * ends with {@code [DONE]}; p99 of the whole stream (until the last token; the simulated model
 * writes about 50 words a second) below {@code -Dmeridian.p99Ms} (default 5 s); under 1 % failed
 * requests.
 *
 * <pre>
 * bin/meridian up --detach
 * ./mvnw -pl load-tests gatling:test -Dgatling.simulationClass=io.meridian.load.gatling.ChatStreamingSimulation \
 *     -Dmeridian.rate=5 -Dmeridian.duration=45
 * </pre>
 */
public class ChatStreamingSimulation extends Simulation {

    final double rate = MeridianLoad.rate("meridian.rate", 5);

    final Duration duration = MeridianLoad.duration("meridian.duration", Duration.ofSeconds(45));

    final ScenarioBuilder chatClients = scenario("Streaming chat clients")
            .feed(ClientFeeder.worldwide())
            .exec(MeridianLoad.chatStream("POST /v1/chat/completions (stream)"));

    {
        setUp(chatClients.injectOpen(constantUsersPerSec(rate).during(duration)))
                .protocols(MeridianLoad.httpProtocol())
                .assertions(
                        global().responseTime().percentile(99).lt(MeridianLoad.integer("meridian.p99Ms", 5000)),
                        global().failedRequests().percent().lt(1.0));
    }
}
