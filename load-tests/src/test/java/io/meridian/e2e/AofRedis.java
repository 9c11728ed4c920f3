package io.meridian.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meridian.testing.TestRedis;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} with append-only persistence ({@code appendfsync always}: every
 * write is on disk before Redis answers), which a test may kill with SIGKILL and start again on
 * the same port and data directory, as a crashed and restarted Redis.
 *
 * <p>Needs {@code redis-server} ({@link TestRedis#serverBinary()}). Without it the test is skipped on a
 * developer machine and fails in CI ({@code CI=true}), where {@code .ci/run} installs it.
 */
final class AofRedis implements AutoCloseable {

    private final Path binary;

    private final Path dir;

    final int port;

    private Process process;

    private AofRedis(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    static AofRedis start(Path dir) throws IOException {
        Path binary = TestRedis.serverBinary();
        if (binary == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI must install redis-server for the Redis replica tests");
            }
            assumeTrue(false, "no redis-server: install it to run the Redis replica tests");
        }
        Files.createDirectories(dir);
        AofRedis redis = new AofRedis(binary, dir, LocalStack.freePorts(1).getFirst());
        redis.startAgain();
        return redis;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again), replaying its append-only file. */
    void startAgain() throws IOException {
        process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (answersPing()) {
                return;
            }
            sleep(50);
        }
        throw new IllegalStateException("redis-server did not start on port " + port + "; see " + dir);
    }

    /** SIGKILL: no shutdown, no final save; what survives is what the append-only file holds. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }

    /** PING answered with PONG, and not "LOADING": the data set is back. */
    private boolean answersPing() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1000);
            socket.getOutputStream().write("PING\r\n".getBytes());
            byte[] reply = new byte[64];
            int read = socket.getInputStream().read(reply);
            return read > 0 && new String(reply, 0, read).startsWith("+PONG");
        }
        catch (IOException notYet) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", interrupted);
        }
    }
}
