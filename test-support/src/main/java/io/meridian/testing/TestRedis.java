package io.meridian.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A real Redis server for tests: the one {@code .ci/run} started ({@code MERIDIAN_TEST_REDIS_URL}),
 * else a private {@code redis-server} started from the PATH for this JVM. Without either, tests
 * that need Redis are skipped on a developer machine and fail in CI ({@code CI=true}), where
 * skipping would hide them.
 */
public final class TestRedis {

    private static @Nullable String url;

    private TestRedis() {
    }

    /** The URL of a running Redis, {@code redis://127.0.0.1:port}. */
    public static synchronized String url() {
        if (url != null) {
            return url;
        }
        String configured = System.getenv("MERIDIAN_TEST_REDIS_URL");
        if (configured != null && !configured.isBlank()) {
            url = configured;
            return url;
        }
        Path binary = serverBinary();
        if (binary == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI must provide Redis: set MERIDIAN_TEST_REDIS_URL or install redis-server");
            }
            assumeTrue(false, "no Redis: install redis-server or set MERIDIAN_TEST_REDIS_URL to run this test");
        }
        url = start(binary);
        return url;
    }

    private static String start(Path binary) {
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Process process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (Instant.now().isBefore(deadline)) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    return "redis://127.0.0.1:" + port;
                } catch (IOException notYet) {
                    Thread.onSpinWait();
                }
            }
            throw new IllegalStateException("redis-server did not start on port " + port);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot start redis-server", ex);
        }
    }

    /**
     * The {@code redis-server} executable, for tests that start a Redis of their own (with
     * persistence, say, to kill and restart it).
     *
     * @return its path on the PATH or in /usr/sbin, or {@code null} if it is not installed
     */
    public static @Nullable Path serverBinary() {
        return findOnPath("redis-server");
    }

    private static @Nullable Path findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path sbin = Path.of("/usr/sbin", name);
        return Files.isExecutable(sbin) ? sbin : null;
    }
}
