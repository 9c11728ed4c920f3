package io.meridian.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Token buckets in this gateway's memory (Caffeine, bounded, idle buckets expire once they would
 * be full again anyway). Limits hold per gateway replica; use {@link RedisRateLimiter} for limits
 * that hold across replicas.
 */
public final class LocalRateLimiter implements RateLimiter {

    private final double rate;
    private final int burst;
    private final Ticker ticker;
    private final Cache<String, TokenBucket> buckets;

    public LocalRateLimiter(double requestsPerSecond, int burst, long maxClients, Ticker ticker) {
        this.rate = requestsPerSecond;
        this.burst = burst;
        this.ticker = ticker;
        long refillNanos = (long) Math.ceil(burst / requestsPerSecond * 1e9);
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxClients)
                .expireAfterAccess(Duration.ofNanos(Math.max(refillNanos, 1_000_000_000L)))
                .ticker(ticker)
                .build();
    }

    @Override
    public Mono<RateLimitDecision> acquire(String client) {
        return Mono.just(take(client));
    }

    @Override
    public RateLimitDecision acquireNow(String client) {
        return take(client);
    }

    /** The synchronous form, also used by the Redis limiter while Redis is unreachable. */
    RateLimitDecision take(String client) {
        long now = ticker.read();
        return buckets.get(client, k -> new TokenBucket(burst, now)).take(rate, burst, now);
    }
}
