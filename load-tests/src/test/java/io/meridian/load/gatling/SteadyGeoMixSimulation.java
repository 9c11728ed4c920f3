package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Steady, geo-mixed load: clients from seventeen countries on six continents, drawn by weight
 * from {@code clients.csv} (a different address for every client), each sending one {@code POST
 * /process}. Models an ordinary day: the traffic of every region at once, none of it limited.
 *
 * <p>Every answer must come from the client's own region ({@code X-Meridian-Region}), so the run
 * also checks geo-routing under load. Asserts: p99 below {@code -Dmeridian.p99Ms} (default 500 ms
 * with the simulated model's 50 ms), under 1 % failed requests.
 *
 * <pre>
 * bin/meridian up --detach
 * ./mvnw -pl load-tests gatling:test -Dgatling.simulationClass=io.meridian.load.gatling.SteadyGeoMixSimulation \
 *     -Dmeridian.rate=40 -Dmeridian.duration=60
 * </pre>
 */
public class SteadyGeoMixSimulation extends Simulation {

    final double rate = MeridianLoad.rate("meridian.rate", 40);

    final Duration duration = MeridianLoad.duration("meridian.duration", Duration.ofSeconds(60));

    final ScenarioBuilder geoMixedClients = scenario("Geo-mixed clients")
            .feed(ClientFeeder.worldwide())
            .exec(MeridianLoad.process("POST /process"));

    {
        setUp(geoMixedClients.injectOpen(
                        rampUsersPerSec(1).to(rate).during(Duration.ofSeconds(10)),
                        constantUsersPerSec(rate).during(duration)))
                .protocols(MeridianLoad.httpProtocol())
                .assertions(
                        global().responseTime().percentile(99).lt(MeridianLoad.integer("meridian.p99Ms", 500)),
                        global().failedRequests().percent().lt(1.0));
    }
}
