package io.meridian.gateway.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A Redis the gateways share for state that must hold across replicas (rate limits, budgets), used
 * so that its absence never stops a request: while it is unreachable, {@link #eval} answers
 * {@code null} at once and the caller falls back to this gateway's own memory.
 *
 * <p>Design note: the connection opens on a virtual thread as soon as this object exists, and
 * again once a second until Redis answers; a request never waits for a connect.
 * Until the first connect succeeds the gateway counts alone, so {@link SharedRedisHealthIndicator}
 * keeps it out of readiness meanwhile: a gateway fresh from start that took traffic before it
 * reached Redis would let a burst past a shared limit. Once connected, Lettuce reconnects by
 * itself; calls made while it is away time out and fall back to local state. Scripts run by their
 * SHA-1 ({@code EVALSHA}) and are sent whole only when Redis does not know them yet (after a
 * restart, say).
 *
 * <p>One instance serves every feature of a gateway ({@link SharedRedisConfiguration}): one
 * connection, pipelined by Lettuce, rather than one per feature.
 */
public final class SharedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedRedis.class);

    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    /** While Redis stays unreachable, one warning a minute rather than one a second. */
    private static final int UNREACHABLE_LOG_EVERY = 60;

    private final RedisClient client;
    private final String purpose;
    private final AtomicReference<@Nullable StatefulRedisConnection<String, String>> connection = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean everConnected;

    /**
     * @param redisUrl the server
     * @param purpose  what it is for, in log lines ("rate limits", "budgets")
     */
    public SharedRedis(String redisUrl, String purpose) {
        this.client = RedisClient.create(RedisURI.create(redisUrl));
        this.purpose = purpose;
        connectInBackground();
    }

    /** A script with its SHA-1. */
    public record Script(String source, String sha) {

        public static Script of(String source) {
            try {
                return new Script(source, HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8))));
            } catch (NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    /**
     * Runs {@code script} and answers its multi-bulk reply, or {@code null} (no Mono at all) when
     * Redis is unreachable right now. The Mono fails when Redis fails or is slower than {@code timeout}.
     */
    public @Nullable Mono<List<Object>> eval(Script script, String[] keys, String[] args, Duration timeout) {
        StatefulRedisConnection<String, String> open = connection();
        if (open == null) {
            return null;
        }
        return open.reactive().<List<Object>>evalsha(script.sha(), ScriptOutputType.MULTI, keys, args)
                .onErrorResume(RedisNoScriptException.class,
                        e -> open.reactive().eval(script.source(), ScriptOutputType.MULTI, keys, args))
                .next()
                .timeout(timeout);
    }

    /** Whether the connection is open (state is shared) right now. */
    public boolean isShared() {
        return connection.get() != null;
    }

    /** Whether a connection ever opened: until then this gateway has counted alone since it started. */
    public boolean hasConnected() {
        return everConnected;
    }

    /** What the shared state is for, as log lines name it. */
    public String purpose() {
        return purpose;
    }

    private @Nullable StatefulRedisConnection<String, String> connection() {
        return connection.get();
    }

    /**
     * Tries to connect once a second until a connection opens or this closes. Each try blocks for
     * at most the connect timeout, on a virtual thread of its own, never on a request.
     */
    private void connectInBackground() {
        Thread.ofVirtual().name("meridian-redis-connect").start(() -> {
            for (int attempt = 0; !closed.get(); attempt++) {
                try {
                    StatefulRedisConnection<String, String> opened = client.connect(StringCodec.UTF8);
                    if (closed.get() || !connection.compareAndSet(null, opened)) {
                        opened.close();
                        return;
                    }
                    everConnected = true;
                    log.info("Redis for shared {} answers; the gateways count together", purpose);
                    return;
                } catch (RuntimeException ex) {
                    if (closed.get()) {
                        return;
                    }
                    if (attempt % UNREACHABLE_LOG_EVERY == 0) {
                        log.warn("Redis for shared {} is unreachable ({}); this gateway counts alone meanwhile",
                                purpose, ex.toString());
                    }
                }
                try {
                    Thread.sleep(RETRY_EVERY);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        StatefulRedisConnection<String, String> open = connection.getAndSet(null);
        if (open != null) {
            open.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
