package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Many streamed chat completions held open through one gateway at the same time: {@code
 * -Dmeridian.streams} streams (default 10,000) opened over {@code -Dmeridian.ramp} (default 60 s),
 * each asking for {@code -Dmeridian.tokens} tokens (default 100: {@code max_tokens}). The stream
 * source decides how long each stays open; with {@link StreamUpstream} (one token every {@code
 * --token-interval}) a stream lasts {@code tokens × interval}, so all of them are open together
 * once the ramp is done. {@code load-tests/bin/long-calls streams} runs it and samples the
 * gateway's heap and RSS while they are.
 *
 * <p>Checks: 200, exactly {@code tokens} content deltas and the closing {@code [DONE]}; outcomes
 * by kind as in {@link LongCallsSimulation}. Asserts no failed stream.
 */
public class OpenStreamsSimulation extends Simulation {

    final int streams = MeridianLoad.integer("meridian.streams", 10_000);

    final Duration ramp = MeridianLoad.duration("meridian.ramp", Duration.ofSeconds(60));

    final int tokens = MeridianLoad.integer("meridian.tokens", 100);

    final CallOutcomes outcomes = new CallOutcomes();

    final ScenarioBuilder readers = scenario("Open streams")
            .feed(ClientFeeder.worldwide())
            .exec(http("POST /v1/chat/completions (held stream)").post("/v1/chat/completions")
                    .header("X-Forwarded-For", "#{clientIp}")
                    .header("Accept", "text/event-stream")
                    .body(StringBody("{\"messages\":[{\"role\":\"user\",\"content\":\"Keep talking, #{country}.\"}],"
                            + "\"stream\":true,\"max_tokens\":" + tokens + "}"))
                    .check(status().saveAs(CallOutcomes.STATUS),
                            substring("[DONE]").count().saveAs(CallOutcomes.DONE),
                            status().is(200),
                            regex("\"delta\":\\{\"content\":\"[^\"]+\"").count().is(tokens),
                            substring("[DONE]").exists()))
            .exec(outcomes.record("held stream"));

    {
        if (streams < 1 || tokens < 1) {
            throw new IllegalArgumentException("-Dmeridian.streams and -Dmeridian.tokens must be at least 1");
        }
        setUp(readers.injectOpen(rampUsers(streams).during(ramp)))
                .protocols(MeridianLoad.httpProtocol())
                .assertions(global().failedRequests().count().is(0L));
    }

    @Override
    public void after() {
        outcomes.report("open streams: outcomes");
    }
}
