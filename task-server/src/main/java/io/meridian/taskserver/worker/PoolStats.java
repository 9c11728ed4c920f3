package io.meridian.taskserver.worker;

import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.QueueStats;

/**
 * A queue and its worker pool, as {@code GET /v1/queues} reports them.
 *
 * @param settings       the queue's settings
 * @param queue          what it holds and has done
 * @param currentWorkers the workers the autoscaler runs now
 * @param minWorkers     fewest workers
 * @param maxWorkers     most workers
 * @param rates          outcomes per second over the last minute
 */
public record PoolStats(QueueSettings settings, QueueStats queue, int currentWorkers, int minWorkers,
        int maxWorkers, QueueRates.Rates rates, boolean paused) {
}
