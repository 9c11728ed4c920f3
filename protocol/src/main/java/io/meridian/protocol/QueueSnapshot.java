package io.meridian.protocol;

import org.jspecify.annotations.Nullable;

/**
 * One queue of a region as a task server's {@code GET /v1/queues} reports it (inside
 * {@code {"region":…,"queues":[…]}}) and the gateway's dashboard reads it. The component names are
 * the JSON member names.
 *
 * @param name         the queue's name
 * @param model        its default model
 * @param depth        tasks waiting, retries included
 * @param maxDepth     the bound on waiting tasks
 * @param inFlight     tasks running
 * @param workers      its pool's size
 * @param completed    tasks that succeeded since the server started
 * @param failed       tasks that failed without retry
 * @param retried      attempts that failed and were queued again
 * @param deadLettered tasks whose every attempt failed
 * @param cancelled    tasks cancelled by clients
 * @param rates        outcomes per second over the last minute ({@code null} from older task servers)
 * @param paused       whether the answering replica's pool takes no new tasks, an operator paused it
 *                     ({@code null} from older task servers)
 */
public record QueueSnapshot(String name, String model, int depth, int maxDepth, int inFlight, Workers workers,
        long completed, long failed, long retried, long deadLettered, long cancelled, @Nullable Rates rates,
        @Nullable Boolean paused) {

    /**
     * A pool's size.
     *
     * @param current workers now
     * @param min     fewest the autoscaler keeps
     * @param max     most it may start
     */
    public record Workers(int current, int min, int max) {
    }

    /**
     * Outcomes per second over the last minute.
     *
     * @param completed    successes
     * @param failed       failures without retry
     * @param retried      attempts queued again
     * @param deadLettered tasks dead-lettered
     */
    public record Rates(double completed, double failed, double retried, double deadLettered) {
    }
}
