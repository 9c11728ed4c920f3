package io.meridian.gateway.ratelimit;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** Token buckets keyed by client identity. */
public interface RateLimiter {

    /** Takes one token from {@code client}'s bucket, if there is one. Never fails: an outage allows. */
    Mono<RateLimitDecision> acquire(String client);

    /**
     * The decision at once, for a limiter that needs no I/O to make it; {@code null} means "ask
     * {@link #acquire}". Lets the filter skip an operator per request on the common path.
     */
    default @Nullable RateLimitDecision acquireNow(String client) {
        return null;
    }
}
