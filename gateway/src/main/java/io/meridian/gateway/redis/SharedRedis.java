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
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Design note: the connection opens lazily, on a virtual thread, at most once a second; a
 * request never waits for a connect. Scripts run by their SHA-1 ({@code EVALSHA}) and are sent
 * whole only when Redis does not know them yet (after a restart, say).
 */
public final class SharedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedRedis.class);

    private final RedisClient client;
    private final String purpose;
    private final Clock clock;
    private final AtomicReference<@Nullable StatefulRedisConnection<String, String>> connection = new AtomicReference<>();
    private final AtomicLong nextConnectAttempt = new AtomicLong();

    /**
     * @param redisUrl the server
     * @param purpose  what it is for, in log lines ("rate limits", "budgets")
     */
    public SharedRedis(String redisUrl, String purpose, Clock clock) {
        this.client = RedisClient.create(RedisURI.create(redisUrl));
        this.purpose = purpose;
        this.clock = clock;
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

    private @Nullable StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> open = connection.get();
        if (open != null) {
            return open;
        }
        long now = clock.millis();
        long next = nextConnectAttempt.get();
        if (now < next || !nextConnectAttempt.compareAndSet(next, now + 1_000)) {
            return null;
        }
        // Connecting blocks for at most the connect timeout; it runs at most once a second, off the
        // hot path of every other request, which fall back to local state meanwhile.
        Thread.ofVirtual().name("meridian-redis-connect").start(() -> {
            try {
                connection.compareAndSet(null, client.connect(StringCodec.UTF8));
                log.info("{} are shared through Redis", capitalized());
            } catch (RuntimeException ex) {
                log.warn("Redis for shared {} is unreachable ({}); each gateway counts alone meanwhile", purpose, ex.toString());
            }
        });
        return null;
    }

    private String capitalized() {
        return purpose.isEmpty() ? purpose : Character.toUpperCase(purpose.charAt(0)) + purpose.substring(1);
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> open = connection.getAndSet(null);
        if (open != null) {
            open.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
