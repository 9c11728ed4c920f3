package io.meridian.taskserver.task;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A task as {@code GET /v1/tasks/{id}} and its events show it. Absent values are {@code null},
 * never missing, so the shape is the same in every state.
 *
 * @param id            the task's id, {@code <region>.<token>}
 * @param queue         the queue it runs on
 * @param status        {@code queued}, {@code running}, {@code succeeded}, {@code failed},
 *                      {@code cancelled} or {@code dead_lettered}
 * @param query         the user's text
 * @param model         the model asked
 * @param attempts      attempts started so far
 * @param maxAttempts   attempts allowed
 * @param createdAt     when it was accepted
 * @param startedAt     when its latest attempt started
 * @param updatedAt     when it last changed, or a running attempt's last heartbeat
 * @param finishedAt    when it finished
 * @param nextAttemptAt when a retry may start, while it waits for one
 * @param result        the answer, once succeeded
 * @param error         why the latest attempt failed
 * @param traceId       the trace of the request that submitted it, which its attempts and model
 *                      calls continue; {@code null} without tracing
 * @param links         where to read it and its events
 */
public record TaskView(
        String id,
        String queue,
        TaskStatus status,
        String query,
        String model,
        int attempts,
        int maxAttempts,
        Instant createdAt,
        @Nullable Instant startedAt,
        Instant updatedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant nextAttemptAt,
        @Nullable TaskResult result,
        @Nullable TaskError error,
        @Nullable String traceId,
        Links links) {

    /**
     * The view of a task.
     *
     * @param task the task
     * @return its view
     */
    public static TaskView of(Task task) {
        return new TaskView(task.id().toString(), task.queue(), task.status(), task.query(), task.model(),
                task.attempts(), task.maxAttempts(), task.createdAt(), task.startedAt(), task.updatedAt(),
                task.finishedAt(), task.nextAttemptAt(), task.result(), task.lastError(), task.traceId(),
                Links.of(task.id()));
    }

    /**
     * Where to find a task.
     *
     * @param self   its address
     * @param events its server-sent events
     */
    public record Links(String self, String events) {

        /**
         * The links of a task.
         *
         * @param id the task's id
         * @return {@code /v1/tasks/{id}} and {@code /v1/tasks/{id}/events}
         */
        public static Links of(TaskId id) {
            return new Links("/v1/tasks/" + id, "/v1/tasks/" + id + "/events");
        }
    }

    /**
     * The answer to an accepted submit (202).
     *
     * @param id     the task's id
     * @param status its status now
     * @param queue  the queue it went to
     * @param links  where to read it and its events
     */
    public record Accepted(String id, TaskStatus status, String queue, Links links) {

        /**
         * The answer for a task.
         *
         * @param task the accepted (or idempotently found) task
         * @return the answer
         */
        public static Accepted of(Task task) {
            return new Accepted(task.id().toString(), task.status(), task.queue(), Links.of(task.id()));
        }
    }
}
