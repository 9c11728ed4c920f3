package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A spike: geo-mixed clients at a base rate, then within two seconds {@code peak} new clients a
 * second for a while (a launch, a news event), then back to the base rate. Models the sudden
 * burst that autoscaling cannot yet have answered: the gateway and the regions' queues must
 * absorb it with longer waits, not errors, and recover once it has passed.
 *
 * <p>Every answer must come from the client's own region. Asserts: p99 over the whole run below
 * {@code -Dmeridian.p99Ms} (default 2 s), under 1 % failed requests.
 *
 * <pre>
 * bin/meridian up --detach
 * ./mvnw -pl load-tests gatling:test -Dgatling.simulationClass=io.meridian.load.gatling.SpikeSimulation \
 *     -Dmeridian.rate=10 -Dmeridian.peakRate=120 -Dmeridian.spike=15
 * </pre>
 */
public class SpikeSimulation extends Simulation {

    final double baseRate = MeridianLoad.rate("meridian.rate", 10);

    final double peakRate = MeridianLoad.rate("meridian.peakRate", 120);

    final Duration calm = MeridianLoad.duration("meridian.calm", Duration.ofSeconds(15));

    final Duration spike = MeridianLoad.duration("meridian.spike", Duration.ofSeconds(15));

    final Duration edge = Duration.ofSeconds(2);

    final ScenarioBuilder geoMixedClients = scenario("Geo-mixed clients")
            .feed(ClientFeeder.worldwide())
            .exec(MeridianLoad.process("POST /process"));

    {
        setUp(geoMixedClients.injectOpen(
                        constantUsersPerSec(baseRate).during(calm),
                        rampUsersPerSec(baseRate).to(peakRate).during(edge),
                        constantUsersPerSec(peakRate).during(spike),
                        rampUsersPerSec(peakRate).to(baseRate).during(edge),
                        constantUsersPerSec(baseRate).during(calm)))
                .protocols(MeridianLoad.httpProtocol())
                .assertions(
                        global().responseTime().percentile(99).lt(MeridianLoad.integer("meridian.p99Ms", 2000)),
                        global().failedRequests().percent().lt(1.0));
    }
}
