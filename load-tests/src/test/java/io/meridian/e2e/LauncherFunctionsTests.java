package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The functions {@code bin/meridian} is built on ({@code bin/lib/launcher.sh}), run by bash as the
 * launcher runs them: how arguments from the launcher and the user merge, the one line a
 * service's start-up failure is reported with, and where the regions' queues live (a redis-server
 * of the stack's own when one is installed, else memory).
 */
class LauncherFunctionsTests {

    static final Path LIBRARY = LocalStack.repositoryRoot().resolve("bin/lib/launcher.sh");

    @TempDir
    Path dir;

    /** Runs a bash snippet after sourcing the library; returns its standard output. */
    static String bash(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "set -euo pipefail; source \"$0\"; " + script,
                LIBRARY.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bash finished").isTrue();
        assertThat(process.exitValue()).as("exit status of: " + script).isZero();
        return out;
    }

    static List<String> merged(String... args) throws IOException, InterruptedException {
        return bash("merge_args \"$@\"; printf '%s\\n' \"${MERGED[@]}\"", args).lines().toList();
    }

    @Test
    void aPropertyGivenAgainTakesTheLastValueInsteadOfJoiningThem() throws Exception {
        assertThat(merged("--server.port=8443", "--meridian.locate.enabled=true",
                "--meridian.trusted-proxies=127.0.0.0/8,::1/128", "--meridian.locate.enabled=true",
                "--meridian.trusted-proxies=10.0.0.0/8"))
                .containsExactly("--server.port=8443", "--meridian.locate.enabled=true",
                        "--meridian.trusted-proxies=10.0.0.0/8");
    }

    @Test
    void namesCompareAsSpringsRelaxedBindingDoes() throws Exception {
        assertThat(merged("--meridian.trusted-proxies=127.0.0.0/8", "--Meridian.trustedProxies=10.0.0.0/8"))
                .containsExactly("--Meridian.trustedProxies=10.0.0.0/8");
    }

    @Test
    void keepsDistinctPropertiesValuesWithEqualsSignsAndOtherArguments() throws Exception {
        assertThat(merged("--debug", "--meridian.regions[0].id=us-east", "--meridian.regions[1].id=eu-central",
                "--spring.application.json={\"a\":\"b=c\"}", "plain", "--debug", "with space=1"))
                .containsExactly("--debug", "--meridian.regions[0].id=us-east", "--meridian.regions[1].id=eu-central",
                        "--spring.application.json={\"a\":\"b=c\"}", "plain", "--debug", "with space=1");
    }

    @Test
    void aStructuredLogsFailureIsTheAnalyzersDescriptionOnOneLineUnescaped() throws Exception {
        Path log = Path.of(LauncherFunctionsTests.class.getResource("gateway-failed-to-start.ecs.jsonl").toURI());

        String reason = bash("startup_failure_reason \"$1\"", log.toString());

        assertThat(reason).isEqualTo("Failed to bind properties under 'meridian.locate.enabled' to boolean: "
                + "Property: meridian.locate.enabled Value: \"true,true\" Origin: \"meridian.locate.enabled\" from "
                + "property source \"commandLineArgs\" Reason: failed to convert java.lang.String to "
                + "@org.springframework.boot.context.properties.bind.DefaultValue boolean (caused by "
                + "java.lang.IllegalArgumentException: Invalid boolean value 'true,true') "
                + "(Update your application's configuration)\n");
    }

    @Test
    void aPlainTextLogsFailureIsItsDescriptionToo() throws Exception {
        Path log = Files.writeString(dir.resolve("text.log"), """
                2026-12-02T03:49:40.961Z  INFO 4242 --- [main] o.s.b.StartupInfoLogger : Starting
                2026-12-02T03:49:41.046Z ERROR 4242 --- [main] o.s.b.d.LoggingFailureAnalysisReporter :\s

                ***************************
                APPLICATION FAILED TO START
                ***************************

                Description:

                Web server failed to start. Port 8080 was already in use.

                Action:

                Identify and stop the process that's listening on port 8080 or configure this application to listen on another port.

                """);

        assertThat(bash("startup_failure_reason \"$1\"", log.toString())).isEqualTo(
                "Web server failed to start. Port 8080 was already in use. (Identify and stop the process that's "
                        + "listening on port 8080 or configure this application to listen on another port.)\n");
    }

    @Test
    void withoutAnAnalyzerReportItIsTheLastErrorWithItsExceptionsMessage() throws Exception {
        Path log = Files.writeString(dir.resolve("ecs.log"), """
                {"log":{"level":"INFO","logger":"a"},"message":"Starting \\u00e9t\\u00e9"}
                {"log":{"level":"ERROR","logger":"o.s.boot.SpringApplication"},"message":"Application run failed",\
                "error":{"type":"java.lang.IllegalStateException","message":"region \\"x\\" is\\nbroken",\
                "stack_trace":"java.lang.IllegalStateException: region\\n\\tat a.b(C.java:1)"},"ecs":{"version":"8.11"}}
                {"log":{"level":"INFO","logger":"a"},"message":"Closing"}
                """);

        assertThat(bash("startup_failure_reason \"$1\"", log.toString()))
                .isEqualTo("Application run failed: region \"x\" is broken\n");
    }

    /** A directory holding only an executable {@code redis-server}, to put on the PATH. */
    private Path pathWithRedisServer() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("with-redis"));
        Path server = bin.resolve("redis-server");
        Files.writeString(server, "#!/bin/sh\nexit 0\n");
        assertThat(server.toFile().setExecutable(true)).isTrue();
        return bin;
    }

    private static String queuesWith(Path path, String wanted) throws Exception {
        // PATH for the function alone: choose_queues uses only builtins.
        return bash("PATH=\"$1\" choose_queues \"$2\" 2>&1 || echo failed", path.toString(), wanted).strip();
    }

    @Test
    void theQueuesAreInRedisWhenARedisServerIsOnThePathAndInMemoryWithout() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThat(queuesWith(pathWithRedisServer(), "auto")).isEqualTo("redis");
        assertThat(queuesWith(empty, "auto")).isEqualTo("memory");
        assertThat(queuesWith(pathWithRedisServer(), "memory")).as("forced into memory").isEqualTo("memory");
        assertThat(queuesWith(pathWithRedisServer(), "redis")).isEqualTo("redis");
    }

    @Test
    void redisAskedForWithoutARedisServerOrAnUnknownChoiceFailsSayingWhy() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThat(queuesWith(empty, "redis")).isEqualTo("MERIDIAN_QUEUES is redis, but no redis-server is on the "
                + "PATH; install Redis or use MERIDIAN_QUEUES=memory\nfailed");
        assertThat(queuesWith(empty, "disk")).isEqualTo("MERIDIAN_QUEUES must be auto, redis or memory, but was "
                + "'disk'\nfailed");
    }

    @Test
    void theStacksRedisTriesItsOwnPortsNeverADevelopersNorCis() throws Exception {
        List<String> ports = bash("redis_port_candidates").lines().toList();

        assertThat(ports).first().isEqualTo("6389");
        assertThat(ports).doesNotContain("6379", "6390").hasSizeGreaterThan(10).doesNotHaveDuplicates();
        assertThat(bash("redis_port_candidates 7001").lines().toList()).containsExactly("7001");
        assertThat(bash("redis_port_candidates 70x1 2>&1 || echo failed").strip())
                .isEqualTo("MERIDIAN_REDIS_PORT must be a port number, but was '70x1'\nfailed");
    }

    @Test
    void theRedisOnAPortIsKnownByItsProcessIdAndNothingAnswersForNone() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread answering = Thread.ofVirtual().start(() -> {
                try (java.net.Socket client = server.accept()) {
                    // Like Redis, read the commands before answering: closing with them unread resets the
                    // connection, and the reset can discard the answer before the launcher reads it.
                    readUntil(client.getInputStream(), "QUIT\r\n");
                    client.getOutputStream().write("$40\r\n# Server\r\nredis_version:7.0.0\r\nprocess_id:4242\r\n\r\n+OK\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                }
                catch (IOException ignored) {
                    // the test's assertion says what went wrong
                }
            });
            assertThat(bash("redis_process_id \"$1\"", Integer.toString(server.getLocalPort())).strip()).isEqualTo("4242");
            answering.join();
        }
        int closed;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        assertThat(bash("redis_process_id \"$1\"", Integer.toString(closed))).isEmpty();
    }

    private static void readUntil(java.io.InputStream in, String end) throws IOException {
        StringBuilder seen = new StringBuilder();
        int b;
        while (!seen.toString().endsWith(end) && (b = in.read()) >= 0) {
            seen.append((char) b);
        }
    }
}
