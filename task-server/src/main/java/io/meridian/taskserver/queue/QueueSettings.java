package io.meridian.taskserver.queue;

import java.time.Duration;

/**
 * One queue as the rest of the server sees it, whatever role ({@code simple} or {@code complex})
 * configured it.
 *
 * @param name          the name clients see, in {@code kind} and {@code queue}
 * @param model         the model its tasks ask when the request names none
 * @param maxDepth      most tasks waiting at once; a submit beyond it is refused with 429
 * @param minWorkers    fewest workers its pool keeps
 * @param maxWorkers    most workers its pool runs; equal to {@code minWorkers} for a fixed pool
 * @param maxAttempts   attempts a task gets before it is dead-lettered
 * @param retryDelay    back-off before the second attempt; doubled for each further one
 * @param maxRetryDelay cap of the back-off
 * @param taskTimeout   longest an attempt may run before it is stopped and counted as failed
 */
public record QueueSettings(
        String name,
        String model,
        int maxDepth,
        int minWorkers,
        int maxWorkers,
        int maxAttempts,
        Duration retryDelay,
        Duration maxRetryDelay,
        Duration taskTimeout) {
}
