package io.meridian.gateway.ratelimit;

/**
 * The outcome of asking for one request's token.
 *
 * @param allowed           whether the request may proceed
 * @param remaining         whole tokens left in the bucket after this request
 * @param resetSeconds      seconds until the bucket is full again
 * @param retryAfterSeconds when refused, seconds until one token is available; 0 when allowed
 */
public record RateLimitDecision(boolean allowed, long remaining, long resetSeconds, long retryAfterSeconds) {
}
