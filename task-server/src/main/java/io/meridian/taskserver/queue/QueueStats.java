package io.meridian.taskserver.queue;

/**
 * What a queue holds and has done since this backend started.
 *
 * @param queue        the queue's name
 * @param depth        tasks waiting, including those waiting for a retry time
 * @param ready        of those, the tasks a worker may take now
 * @param running      tasks a worker is running
 * @param completed    tasks that succeeded
 * @param failed       tasks that failed without retry (a defect, not the model)
 * @param retried      failed attempts that were queued again
 * @param deadLettered tasks whose every attempt failed
 * @param cancelled    tasks cancelled by a client
 */
public record QueueStats(String queue, int depth, int ready, int running, long completed, long failed, long retried,
        long deadLettered, long cancelled) {
}
