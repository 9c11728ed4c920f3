package io.meridian.gateway.ratelimit;

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
 * Token buckets in Redis, shared by every gateway replica, so a client's limit holds however many
 * gateways it reaches.
 *
 * <p>Design note: one Lua script reads, refills, takes and writes a bucket atomically in Redis,
 * timed by Redis's own clock ({@code TIME}) so that gateways with skewed clocks agree. Buckets
 * expire once they would be full again. Redis is a dependency, not a single point of failure:
 * when it is unreachable or slower than {@code timeout}, the request is decided by this gateway's
 * {@link LocalRateLimiter} instead (limits then hold per replica), and reconnecting is retried at
 * most once a second.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {

    static final String KEY_PREFIX = "meridian:ratelimit:";

    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

    static final String SCRIPT = """
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local now = redis.call('TIME')
            local nowSeconds = tonumber(now[1]) + tonumber(now[2]) / 1000000
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1])
            local at = tonumber(state[2])
            if tokens == nil or at == nil then
              tokens = burst
              at = nowSeconds
            end
            tokens = math.min(burst, tokens + math.max(0, nowSeconds - at) * rate)
            local allowed = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(nowSeconds))
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return {allowed, tostring(tokens)}
            """;

    private final RedisClient client;
    private final double rate;
    private final int burst;
    private final String ttlMillis;
    private final Duration timeout;
    private final LocalRateLimiter fallback;
    private final Clock clock;
    private final String sha;
    private final AtomicReference<@Nullable StatefulRedisConnection<String, String>> connection = new AtomicReference<>();
    private final AtomicLong nextConnectAttempt = new AtomicLong();

    public RedisRateLimiter(String redisUrl, double requestsPerSecond, int burst, Duration timeout,
            LocalRateLimiter fallback, Clock clock) {
        this.client = RedisClient.create(RedisURI.create(redisUrl));
        this.rate = requestsPerSecond;
        this.burst = burst;
        this.ttlMillis = Long.toString(Math.max(1_000, (long) Math.ceil(burst / requestsPerSecond * 1000)));
        this.timeout = timeout;
        this.fallback = fallback;
        this.clock = clock;
        this.sha = sha1(SCRIPT);
    }

    @Override
    public Mono<RateLimitDecision> acquire(String client) {
        StatefulRedisConnection<String, String> open = connection();
        if (open == null) {
            return Mono.fromSupplier(() -> fallback.take(client));
        }
        String[] keys = {KEY_PREFIX + client};
        String[] args = {Double.toString(rate), Integer.toString(burst), ttlMillis};
        return open.reactive().<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args)
                .onErrorResume(RedisNoScriptException.class,
                        e -> open.reactive().eval(SCRIPT, ScriptOutputType.MULTI, keys, args))
                .next()
                .timeout(timeout)
                .map(this::decision)
                .onErrorResume(e -> {
                    log.warn("Rate limiting falls back to this gateway's memory: Redis failed ({})", e.toString());
                    return Mono.fromSupplier(() -> fallback.take(client));
                });
    }

    private RateLimitDecision decision(List<Object> reply) {
        boolean allowed = ((Number) reply.get(0)).longValue() == 1;
        double tokens = Double.parseDouble(String.valueOf(reply.get(1)));
        long reset = TokenBucket.secondsUntil(burst - tokens, rate);
        if (allowed) {
            return new RateLimitDecision(true, (long) Math.floor(tokens), reset, 0);
        }
        return new RateLimitDecision(false, 0, reset, Math.max(1, TokenBucket.secondsUntil(1 - tokens, rate)));
    }

    /** The open connection, or null while Redis is unreachable (then retried at most once a second). */
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
        // hot path of every other request, which fall back to local limits meanwhile.
        Thread.ofVirtual().name("meridian-redis-connect").start(() -> {
            try {
                connection.compareAndSet(null, client.connect(StringCodec.UTF8));
                log.info("Rate limits are shared through Redis");
            } catch (RuntimeException ex) {
                log.warn("Redis for shared rate limits is unreachable ({}); limiting per gateway meanwhile", ex.toString());
            }
        });
        return null;
    }

    /** Whether decisions are currently shared through Redis (false while it is unreachable). */
    public boolean isShared() {
        return connection.get() != null;
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> open = connection.getAndSet(null);
        if (open != null) {
            open.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
