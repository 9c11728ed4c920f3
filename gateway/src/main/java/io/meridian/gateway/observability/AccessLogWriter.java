package io.meridian.gateway.observability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Buffers access lines and writes them to standard output in batches: when 64 KiB have gathered,
 * and at the latest every {@code flushInterval}. Like nginx's {@code access_log ... buffer= flush=}:
 * a console appender writes and flushes every line, a system call per request under a lock the
 * event loops contend for. Standard output is looked up at each write, so whatever replaced
 * {@code System.out} (output capture in tests) receives the lines.
 */
final class AccessLogWriter implements AutoCloseable {

    private static final int CAPACITY = 64 * 1024;

    private final Object lock = new Object();

    private final byte[] buffer = new byte[CAPACITY];

    private final @Nullable Thread flusher;

    private int size;

    private volatile boolean open = true;

    /**
     * Starts the writer.
     *
     * @param flushInterval the longest a line waits; zero writes every line at once
     */
    AccessLogWriter(Duration flushInterval) {
        if (flushInterval.isPositive()) {
            long millis = Math.max(1, flushInterval.toMillis());
            flusher = Thread.ofPlatform().daemon().name("meridian-access-log").start(() -> {
                while (open) {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException closing) {
                        break;
                    }
                    flush();
                }
            });
        } else {
            flusher = null;
        }
    }

    /** Writes one line, which ends with a line feed. */
    void write(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (flusher == null || bytes.length > CAPACITY) {
            synchronized (lock) {
                drain();
                System.out.write(bytes, 0, bytes.length);
                System.out.flush();
            }
            return;
        }
        synchronized (lock) {
            if (size + bytes.length > CAPACITY) {
                drain();
            }
            System.arraycopy(bytes, 0, buffer, size, bytes.length);
            size += bytes.length;
        }
    }

    /** Writes what is buffered. */
    void flush() {
        synchronized (lock) {
            drain();
        }
    }

    private void drain() {
        if (size > 0) {
            System.out.write(buffer, 0, size);
            System.out.flush();
            size = 0;
        }
    }

    @Override
    public void close() {
        open = false;
        if (flusher != null) {
            flusher.interrupt();
        }
        flush();
    }
}
