package io.meridian.taskserver;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound lets the task server's tests do on a non-blocking thread (an event loop, Reactor's
 * parallel and single schedulers), each allowance with its reason. BlockHound is installed for
 * every test by {@code blockhound-junit-platform}, which loads this class through
 * {@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration}; Reactor's and
 * Netty's own integrations come with their jars.
 *
 * <p>An allowance names the narrowest method that blocks briefly and by design; anything else that
 * blocks on a non-blocking thread fails its test with {@link reactor.blockhound.BlockingOperationError}.
 */
public final class TaskServerBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // Task ids draw their random part from a SecureRandom (NativePRNG), which reads
        // /dev/urandom through a buffer: a read that never waits for entropy once the kernel is
        // seeded, and is made once per buffer of ids. The in-memory backend accepts tasks on the
        // event loop, so a submit draws there.
        builder.allowBlockingCallsInside("java.security.SecureRandom", "nextBytes");
        // The in-memory queue backend does not block (TaskQueue.blocking() is false, so the
        // ReactiveTaskQueue calls it on the event loop): its one lock guards short critical sections
        // without I/O, and a contended lock parks only while another thread finishes one.
        builder.allowBlockingCallsInside("io.meridian.taskserver.queue.InMemoryTaskQueue", "locked");
        // Jackson builds a type's deserializer once, under its cache's lock, the first time it reads
        // that type; a request that reads the same type at that moment waits for that one build.
        builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
        // Netty's adaptive buffer allocator retires a magazine under that magazine's own lock when
        // threads contend for buffers and it grows its set of magazines: a lock held only while the
        // magazine hands its chunk back, never across I/O.
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    }
}
