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
 * One task-server replica: the packaged jar ({@code task-server/target/meridian-task-server-exec.jar})
 * in its own JVM, on a free port, with the Redis queue backend. Killed with SIGKILL, as a crashed
 * process or a node lost with it, and started again on the same port.
 */
final class TaskServerReplica implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;

    final int port;

    private final List<String> command;

    private final Path log;

    private Process process;

    private TaskServerReplica(String name, int port, List<String> command, Path log) {
        this.name = name;
        this.port = port;
        this.command = command;
        this.log = log;
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
    static TaskServerReplica start(String name, String region, String redisUrl, Path logs, String... settings)
            throws IOException {
        Path jar = LocalStack.repositoryRoot().resolve("task-server/target/meridian-task-server-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the task server first (./mvnw verify does)");
        }
        int port = LocalStack.freePorts(1).getFirst();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-jar", jar.toString(),
                "--server.port=" + port,
                "--meridian.server.region=" + region,
                "--meridian.queues.backend=redis",
                "--meridian.redis.url=" + redisUrl,
                "--meridian.model.backend=simulated"));
        command.addAll(List.of(settings));
        Files.createDirectories(logs);
        TaskServerReplica replica = new TaskServerReplica(name, port, command, logs.resolve(name + ".log"));
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
                HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(uri("/actuator/health/readiness"))
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
