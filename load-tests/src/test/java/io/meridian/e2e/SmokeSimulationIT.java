package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the Gatling smoke simulation ({@code io.meridian.load.gatling.SmokeSimulation}) against a
 * fresh local stack, so that {@code ./mvnw verify} fails when its assertion (under 1 % failed
 * requests) fails; latency is not asserted here, a build being no benchmark (see the simulation). Gatling runs in a JVM of its own, as the Gatling Maven plugin runs it, with this
 * test's class path; its report is written under {@code load-tests/target/gatling}.
 */
class SmokeSimulationIT {

    static final String SIMULATION = "io.meridian.load.gatling.SmokeSimulation";

    /**
     * The health checks' 1 s bound is sized for a quiet machine: on a loaded one a region's readiness
     * answer takes longer, the gateway takes the region out of rotation, and clients are answered by
     * the next region, which the simulation counts as wrong. This test is not about failover
     * (RegionFailoverIT is), so its checks wait longer.
     */
    static final String HEALTH_CHECKS_FOR_A_BUSY_MACHINE = "--meridian.health.timeout=10s";

    /** Gatling's exit code when every assertion held; 2 means an assertion failed, 1 a crash. */
    static final int ALL_ASSERTIONS_HELD = 0;

    @Test
    void smokeSimulationServesEveryKindOfTrafficWithUnderOnePercentFailedOnTheLocalStack() throws Exception {
        try (LocalStack stack = LocalStack.start(Map.of("MERIDIAN_GATEWAY_ARGS", HEALTH_CHECKS_FOR_A_BUSY_MACHINE))) {
            Process gatling = new ProcessBuilder(gatlingCommand(stack)).inheritIO().start();
            try {
                assertThat(gatling.waitFor(5, TimeUnit.MINUTES))
                        .as("the smoke simulation finished within 5 minutes")
                        .isTrue();
            } finally {
                if (gatling.isAlive()) {
                    gatling.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
            if (gatling.exitValue() != ALL_ASSERTIONS_HELD) {
                stack.dumpLogs();
            }
            assertThat(gatling.exitValue())
                    .as("Gatling's exit code (2: an assertion failed, see the lines above; 1: the run crashed)")
                    .isEqualTo(ALL_ASSERTIONS_HELD);
        }
    }

    static List<String> gatlingCommand(LocalStack stack) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java,
                "-Xms128m", "-Xmx512m",
                // Gatling reads String internals to write its log file fast.
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", testClassPath(),
                "-Dmeridian.baseUrl=" + stack.baseUrl(),
                "io.gatling.app.Gatling",
                "--simulation", SIMULATION,
                "--results-folder", Path.of("target", "gatling").toAbsolutePath().toString(),
                "--run-description", "verify: smoke against a fresh local stack");
    }

    /** The class path this test runs with (Surefire and Failsafe name it even with a manifest-only jar). */
    static String testClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assertThat(classPath).as("test class path").contains(File.pathSeparator);
        return classPath;
    }
}
