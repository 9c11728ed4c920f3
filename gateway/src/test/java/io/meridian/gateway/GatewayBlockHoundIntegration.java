package io.meridian.gateway;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound lets the gateway's tests do on a non-blocking thread (an event loop, Reactor's
 * parallel and single schedulers), each allowance with its reason. BlockHound is installed for
 * every test by {@code blockhound-junit-platform}, which loads this class through
 * {@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration}; Reactor's and
 * Netty's own integrations come with their jars.
 *
 * <p>An allowance names the narrowest method that blocks briefly and by design; anything else that
 * blocks on a non-blocking thread fails its test with {@link reactor.blockhound.BlockingOperationError}.
 */
public final class GatewayBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // UUID.randomUUID (the ids of the usage ledgers' holds, local and Redis) draws from a SecureRandom
        // (NativePRNG), which reads /dev/urandom through a buffer: a read that never waits for
        // entropy once the kernel is seeded, and is made once per buffer of draws.
        builder.allowBlockingCallsInside("java.security.SecureRandom", "nextBytes");
        // Jackson builds a type's deserializer once, under its cache's lock, the first time it reads
        // that type; a request that reads the same type at that moment waits for that one build.
        builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
        // Netty's adaptive buffer allocator retires a magazine under that magazine's own lock when
        // threads contend for buffers and it grows its set of magazines: a lock held only while the
        // magazine hands its chunk back, never across I/O.
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        // Lettuce counts the writers of a shared connection under a lock, so that a reconnect can wait
        // for them to finish; the lock is held only to change the count, never across I/O, so event
        // loops writing to the shared Redis at once wait for each other a few instructions at most.
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters");
        // Resilience4j's circuit breakers record each call's outcome into their sliding window under
        // the window's lock, held only while a few counters change; concurrent calls through one
        // region's breaker wait for each other that long.
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "getSnapshot");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "getSnapshot");
    }
}
