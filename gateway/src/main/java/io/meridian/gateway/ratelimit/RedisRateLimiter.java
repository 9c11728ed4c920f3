package io.meridian.gateway.ratelimit;

import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedis.Script;
import java.time.Duration;
import java.util.List;
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

    private final SharedRedis redis;
    private final boolean ownsRedis;
    private final Script script;
    private final double rate;
    private final int burst;
    private final String ttlMillis;
    private final Duration timeout;
    private final LocalRateLimiter fallback;

    /** A limiter on a Redis of its own, which it closes when it closes. */
    public RedisRateLimiter(String redisUrl, double requestsPerSecond, int burst, Duration timeout,
            LocalRateLimiter fallback) {
        this(new SharedRedis(redisUrl, "rate limits"), true, requestsPerSecond, burst, timeout, fallback);
    }

    /** A limiter on the gateway's shared Redis, which stays open when it closes. */
    public RedisRateLimiter(SharedRedis redis, double requestsPerSecond, int burst, Duration timeout,
            LocalRateLimiter fallback) {
        this(redis, false, requestsPerSecond, burst, timeout, fallback);
    }

    private RedisRateLimiter(SharedRedis redis, boolean ownsRedis, double requestsPerSecond, int burst,
            Duration timeout, LocalRateLimiter fallback) {
        this.redis = redis;
        this.ownsRedis = ownsRedis;
        this.script = Script.of(SCRIPT);
        this.rate = requestsPerSecond;
        this.burst = burst;
        this.ttlMillis = Long.toString(Math.max(1_000, (long) Math.ceil(burst / requestsPerSecond * 1000)));
        this.timeout = timeout;
        this.fallback = fallback;
    }

    @Override
    public Mono<RateLimitDecision> acquire(String client) {
        Mono<List<Object>> reply = redis.eval(script, new String[] {KEY_PREFIX + client},
                new String[] {Double.toString(rate), Integer.toString(burst), ttlMillis}, timeout);
        if (reply == null) {
            return Mono.fromSupplier(() -> fallback.take(client));
        }
        return reply
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

    /** Whether decisions are currently shared through Redis (false while it is unreachable). */
    public boolean isShared() {
        return redis.isShared();
    }

    @Override
    public void close() {
        if (ownsRedis) {
            redis.close();
        }
    }
}
