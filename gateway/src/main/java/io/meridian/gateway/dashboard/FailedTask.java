package io.meridian.gateway.dashboard;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A task that failed or was dead-lettered, as its region's {@code GET /v1/tasks} lists it.
 *
 * @param region     the region that holds it (set by the aggregator)
 * @param id         its id
 * @param tenant     the tenant that submitted it, as its region reports it ({@code null} from a
 *                   region of a version without tenants)
 * @param queue      its queue
 * @param status     {@code failed} or {@code dead_lettered}
 * @param attempts   attempts made
 * @param error      why its last attempt failed
 * @param finishedAt when it ended
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailedTask(@Nullable String region, String id, @Nullable String tenant, String queue, String status, int attempts,
        @Nullable Error error, @Nullable Instant finishedAt) {

    FailedTask in(String regionId) {
        return new FailedTask(regionId, id, tenant, queue, status, attempts, error, finishedAt);
    }

    /**
     * The error of the last attempt.
     *
     * @param error   its code
     * @param message what went wrong
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Error(@Nullable String error, @Nullable String message) {
    }

    /**
     * The body of {@code GET /v1/tasks}.
     *
     * @param region the region that answered
     * @param tasks  newest first
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(@Nullable String region, @Nullable List<FailedTask> tasks) {
    }
}
