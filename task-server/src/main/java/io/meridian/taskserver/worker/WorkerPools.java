package io.meridian.taskserver.worker;

import io.meridian.taskserver.queue.PoolBounds;
import io.meridian.taskserver.queue.ReplicaLoad;
import io.meridian.taskserver.queue.TaskQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * The region's worker pools, one per queue, and the one platform thread that ticks them: every
 * {@code meridian.workers.tick} it reports this replica's load to the queue, lets the queue
 * {@linkplain TaskQueue#housekeep() keep house} (expiry; with Redis, heartbeats carrying that load
 * and taking back lost work), applies the region's shared pause state and pool bounds, and lets
 * each pool {@linkplain WorkerPool#dispatch() dispatch}. A tick that fails is logged and the next one runs: the pools
 * never stop silently.
 *
 * <p>Lifecycle: the pools start before the web server takes requests and stop after it has
 * drained them ({@link #PHASE}); stopping lets running attempts finish for up to
 * {@code meridian.workers.shutdown-grace}, then interrupts the rest.
 */
public final class WorkerPools implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerPools.class);

    private final List<WorkerPool> pools;

    private final TaskQueue queue;

    private final Dispatcher dispatcher;

    private final Supplier<ReplicaLoad> load;

    /** Lifecycle phase: below the web server's graceful shutdown, so requests drain first. */
    public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 1024;

    private final long tickMillis;

    private final Duration shutdownGrace;

    private volatile boolean running;

    WorkerPools(List<WorkerPool> pools, TaskQueue queue, Dispatcher dispatcher, Supplier<ReplicaLoad> load,
            long tickMillis, Duration shutdownGrace) {
        this.pools = pools;
        this.load = load;
        this.queue = queue;
        this.dispatcher = dispatcher;
        this.tickMillis = tickMillis;
        this.shutdownGrace = shutdownGrace;
    }

    /**
     * The pools' figures.
     *
     * @return one entry per queue, simple first
     */
    public List<PoolStats> stats() {
        return pools.stream().map(WorkerPool::stats).toList();
    }

    /**
     * The pool of one queue.
     *
     * @param queue the queue's name
     * @return its pool, or empty when there is no such queue
     */
    java.util.Optional<WorkerPool> pool(String queue) {
        return pools.stream().filter(pool -> pool.name().equals(queue)).findFirst();
    }

    void tick() {
        try {
            queue.reportLoad(load.get());
            queue.housekeep();
        }
        catch (RuntimeException failure) {
            log.error("Queue housekeeping failed; trying again on the next tick", failure);
        }
        try {
            // One read per tick: with Redis, a pause set on any replica reaches this one here.
            java.util.Set<String> paused = queue.pausedQueues();
            pools.forEach(pool -> pool.paused(paused.contains(pool.name())));
        }
        catch (RuntimeException failure) {
            log.warn("Could not read which queues are paused; keeping the last known state", failure);
        }
        try {
            // Likewise pool bounds set through any replica; a queue without keeps its configured ones.
            Map<String, PoolBounds> bounds = queue.poolBounds();
            pools.forEach(pool -> pool.bounds(bounds.get(pool.name())));
        }
        catch (RuntimeException failure) {
            log.warn("Could not read the pools' shared bounds; keeping the last known ones", failure);
        }
        pools.forEach(WorkerPool::dispatchSafely);
    }

    @Override
    public void start() {
        dispatcher.start(this::tick, tickMillis);
        pools.forEach(WorkerPool::start);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        pools.forEach(WorkerPool::stopClaiming);
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        try {
            for (WorkerPool pool : pools) {
                if (!pool.awaitIdle(deadline)) {
                    log.warn("Attempts still running after {} ms; interrupting them", shutdownGrace.toMillis());
                    break;
                }
            }
        }
        catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        pools.forEach(WorkerPool::stop);
        dispatcher.stop();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
