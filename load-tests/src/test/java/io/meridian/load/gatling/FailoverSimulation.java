package io.meridian.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A region dies under load: while eu-central's clients (Europe, South Africa) and clients from
 * everywhere else send keyed requests, eu-central is killed with SIGKILL ({@code bin/meridian
 * kill eu-central}) after {@code -Dmeridian.killAfter} (default 15 s), and started again ({@code
 * bin/meridian start eu-central}) {@code -Dmeridian.downFor} later (default 15 s). Models the
 * loss of a whole region: requests in flight there are reset, new ones are refused, until the
 * health checks take it out of rotation; then it comes back.
 *
 * <p>Every request carries an {@code Idempotency-Key}, so the gateway may re-send one that was in
 * flight when the region died. Asserts: <b>no failed request at all</b>; eu-central's clients are
 * served by eu-central or, while it is down, by their next-nearest region (us-east for Europe,
 * ap-southeast for South Africa); everyone else by their own region throughout; p99 below {@code
 * -Dmeridian.p99Ms} (default 3 s, failover included).
 *
 * <p>The kill and restart run on a side thread, through the same launcher and environment as the
 * stack: run this simulation from the shell (and environment) that ran {@code bin/meridian up}.
 * Whatever happens, the region is started again before the simulation ends.
 *
 * <pre>
 * bin/meridian up --detach
 * ./mvnw -pl load-tests gatling:test -Dgatling.simulationClass=io.meridian.load.gatling.FailoverSimulation \
 *     -Dmeridian.rate=20 -Dmeridian.duration=50
 * </pre>
 */
public class FailoverSimulation extends Simulation {

    static final String REGION = "eu-central";

    final double rate = MeridianLoad.rate("meridian.rate", 20);

    final Duration duration = MeridianLoad.duration("meridian.duration", Duration.ofSeconds(50));

    final Duration killAfter = MeridianLoad.duration("meridian.killAfter", Duration.ofSeconds(15));

    final Duration downFor = MeridianLoad.duration("meridian.downFor", Duration.ofSeconds(15));

    final StackLauncher launcher = StackLauncher.find();

    final ScheduledThreadPoolExecutor chaos = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "region-chaos");
        thread.setDaemon(true);
        return thread;
    });

    final AtomicBoolean killed = new AtomicBoolean();

    final AtomicBoolean restarted = new AtomicBoolean();

    final ScenarioBuilder europeanClients = scenario("European and African clients")
            .feed(ClientFeeder.servedBy(REGION))
            .exec(MeridianLoad.keyedProcess("POST /process (eu-central's clients)",
                    Set.of(REGION, "us-east", "ap-southeast")));

    final ScenarioBuilder otherClients = scenario("Clients elsewhere")
            .feed(ClientFeeder.notServedBy(REGION))
            .exec(MeridianLoad.keyedProcess("POST /process (other clients)", Set.of("us-east", "ap-southeast"))
                    .check(header("X-Meridian-Region").isEL("#{expectedRegion}")));

    {
        if (killAfter.plus(downFor).compareTo(duration) >= 0) {
            throw new IllegalArgumentException("-Dmeridian.killAfter + -Dmeridian.downFor must be shorter than "
                    + "-Dmeridian.duration, but were " + killAfter + " + " + downFor + " and " + duration);
        }
        setUp(europeanClients.injectOpen(constantUsersPerSec(rate / 2).during(duration)),
                otherClients.injectOpen(constantUsersPerSec(rate / 2).during(duration)))
                .protocols(MeridianLoad.httpProtocol())
                .assertions(
                        global().failedRequests().count().is(0L),
                        global().responseTime().percentile(99).lt(MeridianLoad.integer("meridian.p99Ms", 3000)));
    }

    @Override
    public void before() {
        // A run cut short must not kill the region after it has ended.
        chaos.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        chaos.schedule(() -> {
            System.out.println("failover: killing " + REGION);
            killed.set(true);
            launcher.run("kill", REGION);
        }, killAfter.toMillis(), TimeUnit.MILLISECONDS);
        chaos.schedule(this::restartRegion, killAfter.plus(downFor).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void after() {
        chaos.shutdown(); // drops the kill and the restart unless they have begun
        try {
            chaos.awaitTermination(3, TimeUnit.MINUTES);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        if (killed.get() && !restarted.get()) {
            restartRegion();
        }
    }

    private void restartRegion() {
        if (restarted.compareAndSet(false, true)) {
            System.out.println("failover: starting " + REGION + " again");
            launcher.run("start", REGION);
        }
    }
}
