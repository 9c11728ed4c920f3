package io.meridian.gateway.ratelimit;

import reactor.core.publisher.Mono;

/** Token buckets keyed by client identity. */
public interface RateLimiter {

    /** Takes one token from {@code client}'s bucket, if there is one. Never fails: an outage allows. */
    Mono<RateLimitDecision> acquire(String client);
}
