package io.meridian.gateway.dashboard;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One queue as a task server's {@code GET /v1/queues} reports it. Fields the dashboard does not
 * show are ignored, so a newer task server with more fields still reads.
 *
 * @param name         the queue's name
 * @param model        its default model
 * @param depth        tasks waiting
 * @param maxDepth     the bound on waiting tasks
 * @param inFlight     tasks running
 * @param workers      the pool's size
 * @param completed    tasks that succeeded since the server started
 * @param failed       tasks that failed without retry
 * @param retried      attempts queued again
 * @param deadLettered tasks whose every attempt failed
 * @param cancelled    tasks cancelled by clients
 * @param paused       whether the answering replica's pool takes no new tasks (absent from older task servers)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QueueSample(String name, String model, int depth, int maxDepth, int inFlight, Workers workers,
        long completed, long failed, long retried, long deadLettered, long cancelled, @Nullable Boolean paused) {

    /**
     * A pool's size.
     *
     * @param current workers now
     * @param min     fewest the autoscaler keeps
     * @param max     most it may start
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Workers(int current, int min, int max) {
    }

    /**
     * The body of {@code GET /v1/queues}.
     *
     * @param region the region that answered
     * @param queues its queues
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(@Nullable String region, @Nullable List<QueueSample> queues) {
    }
}
