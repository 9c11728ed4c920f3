package io.meridian.protocol;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A task that failed or was dead-lettered, as a task server's {@code GET /v1/tasks} lists it
 * (inside {@code {"region":…,"tasks":[…]}}, newest first) and the gateway's dashboard reads it.
 * Prompts are never included. The component names are the JSON member names.
 *
 * @param id         its id, a {@link TaskId}
 * @param tenant     the tenant that submitted it ({@code null} from a task server of a version
 *                   without tenants)
 * @param queue      its queue
 * @param status     {@code failed} or {@code dead_lettered}
 * @param attempts   attempts made
 * @param error      why its last attempt failed
 * @param finishedAt when it ended
 */
public record FailedTask(String id, @Nullable String tenant, String queue, String status, int attempts,
        @Nullable Error error, @Nullable Instant finishedAt) {

    /**
     * The error of the last attempt.
     *
     * @param error   its code
     * @param message what went wrong
     */
    public record Error(@Nullable String error, @Nullable String message) {
    }
}
