package io.meridian.gateway.ratelimit;

/**
 * The token-bucket arithmetic shared by the in-memory and the Redis limiter (the Lua script in
 * {@link RedisRateLimiter} does the same steps).
 *
 * <p>Design note: a bucket holds at most {@code burst} tokens and refills continuously at
 * {@code rate} per second; a request takes one. Only two numbers are stored per client, the tokens
 * and when they were counted, and refilling is computed lazily on the next request, so idle clients
 * cost nothing but their entry.
 */
final class TokenBucket {

    private double tokens;
    private long updatedNanos;

    TokenBucket(int burst, long nowNanos) {
        this.tokens = burst;
        this.updatedNanos = nowNanos;
    }

    synchronized RateLimitDecision take(double ratePerSecond, int burst, long nowNanos) {
        double elapsedSeconds = Math.max(0, nowNanos - updatedNanos) / 1e9;
        tokens = Math.min(burst, tokens + elapsedSeconds * ratePerSecond);
        updatedNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return new RateLimitDecision(true, (long) Math.floor(tokens), secondsUntil(burst - tokens, ratePerSecond), 0);
        }
        return new RateLimitDecision(false, 0, secondsUntil(burst - tokens, ratePerSecond),
                Math.max(1, secondsUntil(1 - tokens, ratePerSecond)));
    }

    static long secondsUntil(double tokensNeeded, double ratePerSecond) {
        return (long) Math.ceil(Math.max(0, tokensNeeded) / ratePerSecond);
    }
}
