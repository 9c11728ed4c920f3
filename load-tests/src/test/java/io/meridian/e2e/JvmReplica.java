package io.meridian.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One replica of a Meridian application in its own JVM, on a free port: a task server (the packaged
 * {@code task-server/target/meridian-task-server-exec.jar}, with the Redis queue backend) or a
 * gateway ({@code gateway/target/meridian-gateway-exec.jar}). Killed with SIGKILL, as a crashed
 * process or a node lost with it, and started again on the same port.
 */
final class JvmReplica implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;

    final int port;

    private final List<String> command;

    private final Path log;

    private Process process;

    private final String readinessPath;

    private JvmReplica(String name, int port, List<String> command, Path log, String readinessPath) {
        this.name = name;
        this.port = port;
        this.command = command;
        this.log = log;
        this.readinessPath = readinessPath;
    }

    /**
     * Starts a replica; {@link #awaitReady} waits for it.
     *
     * @param name     names its log file
     * @param region   the region it serves, which names its keys in Redis
     * @param redisUrl the Redis its queues live in
     * @param logs     where its log goes
     * @param settings further {@code --name=value} settings
     */
    static JvmReplica start(String name, String region, String redisUrl, Path logs, String... settings)
            throws IOException {
        List<String> all = new ArrayList<>(List.of(
                "--meridian.server.region=" + region,
                "--meridian.queues.backend=redis",
                "--meridian.redis.url=" + redisUrl,
                "--meridian.model.backend=simulated"));
        all.addAll(List.of(settings));
        return started("task-server", name, logs, "/actuator/health/readiness", all);
    }

    /**
     * Starts a gateway replica, its management endpoints on its one port; {@link #awaitReady} waits
     * for its {@code /readyz}.
     *
     * @param name     names its log file
     * @param logs     where its log goes
     * @param settings its {@code --name=value} settings (regions, Redis, tenants)
     */
    static JvmReplica gateway(String name, Path logs, List<String> settings) throws IOException {
        List<String> all = new ArrayList<>(List.of("--management.server.port="));
        all.addAll(settings);
        return started("gateway", name, logs, "/readyz", all);
    }

    private static JvmReplica started(String module, String name, Path logs, String readinessPath,
            List<String> settings) throws IOException {
        Path jar = LocalStack.repositoryRoot().resolve(module + "/target/meridian-" + module + "-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the " + module + " first (./mvnw verify does)");
        }
        int port = LocalStack.freePorts(1).getFirst();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-jar", jar.toString(),
                "--server.port=" + port));
        command.addAll(settings);
        Files.createDirectories(logs);
        JvmReplica replica = new JvmReplica(name, port, command, logs.resolve(name + ".log"), readinessPath);
        replica.startAgain();
        return replica;
    }

    void startAgain() throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Waits until the replica answers its readiness probe with 200. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("replica " + name + " exited with " + process.exitValue()
                        + "; see " + log);
            }
            try {
                HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(uri(readinessPath))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            }
            catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("replica " + name + " was not ready within " + timeout + "; see " + log);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * What the replica's threads that serve requests and talk to Redis are doing now, for a test
     * that waited on it in vain: SIGQUIT makes the JVM print a thread dump into its log, of which
     * the stacks of its event loops, Redis client, blocking-call threads and worker dispatcher are
     * returned, a dozen frames each.
     */
    String threads() {
        try {
            long before = Files.size(log);
            new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            String dump = "";
            while (Instant.now().isBefore(deadline)) {
                Thread.sleep(500);
                String written = Files.readString(log).substring((int) Math.min(before, Files.size(log)));
                int start = written.indexOf("Full thread dump");
                if (start >= 0 && written.indexOf("JNI global refs", start) > 0) {
                    dump = written.substring(start);
                    break;
                }
            }
            StringBuilder picked = new StringBuilder();
            for (String thread : dump.split("\n\s*\n")) {
                String first = thread.strip();
                if (first.startsWith("\"reactor-http") || first.startsWith("\"lettuce") || first.startsWith("\"boundedElastic")
                        || first.startsWith("\"worker-dispatch") || first.startsWith("\"parallel")) {
                    first.lines().limit(14).forEach(line -> picked.append(line).append('\n'));
                    picked.append('\n');
                }
            }
            return picked.isEmpty() ? "(no thread dump in " + log + ")" : picked.toString();
        }
        catch (IOException | RuntimeException failed) {
            return "(no thread dump: " + failed + ")";
        }
        catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        }
    }

    /** SIGKILL: no graceful shutdown, no acknowledgement of what it was running. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
