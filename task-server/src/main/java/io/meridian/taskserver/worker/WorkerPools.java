package io.meridian.taskserver.worker;

import io.meridian.taskserver.queue.TaskQueue;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * The region's worker pools, one per queue, and the one platform thread that ticks them: every
 * {@code meridian.workers.tick} it lets the queue {@linkplain TaskQueue#housekeep() keep house}
 * (expiry; with Redis, heartbeats and taking back lost work) and each pool {@linkplain
 * WorkerPool#dispatch() dispatch}. A tick that fails is logged and the next one runs: the pools
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

    /** Lifecycle phase: below the web server's graceful shutdown, so requests drain first. */
    public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 1024;

    private final long tickMillis;

    private final Duration shutdownGrace;

    private volatile boolean running;

    WorkerPools(List<WorkerPool> pools, TaskQueue queue, Dispatcher dispatcher, long tickMillis,
            Duration shutdownGrace) {
        this.pools = pools;
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
