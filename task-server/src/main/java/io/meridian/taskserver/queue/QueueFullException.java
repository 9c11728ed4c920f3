package io.meridian.taskserver.queue;

import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import java.time.Duration;

/**
 * A queue holds its maximum of waiting tasks, so a new task was refused at once (429
 * {@code queue_full} with {@code Retry-After}): shedding load is the honest answer, an unbounded
 * queue only turns overload into timeouts and lost memory.
 */
public class QueueFullException extends ApiException {

    /** How long a refused client is asked to wait: a full queue drains in seconds, not milliseconds. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * Creates the exception.
     *
     * @param queue    the queue's name
     * @param maxDepth its bound
     */
    public QueueFullException(String queue, int maxDepth) {
        super(ApiError.QUEUE_FULL, 429, "queue '" + queue + "' holds its maximum of " + maxDepth
                + " waiting tasks; retry later or in another region", null, RETRY_AFTER);
    }
}
