package io.meridian.taskserver.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a task is in its life. {@link #QUEUED} and {@link #RUNNING} may alternate while a failed
 * attempt waits for its retry; the other four are final: once there, a task never changes again.
 */
public enum TaskStatus {

    /** Accepted and waiting for a worker, possibly until its retry time. */
    QUEUED,

    /** A worker is running an attempt. */
    RUNNING,

    /** An attempt answered; the task holds the result. */
    SUCCEEDED,

    /** An attempt failed in a way that retrying cannot fix; the task holds the error. */
    FAILED,

    /** Cancelled by a client, queued or running. */
    CANCELLED,

    /** Every allowed attempt failed; the task holds the last error. */
    DEAD_LETTERED;

    /**
     * Whether the task is finished.
     *
     * @return {@code true} for the four final states
     */
    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }

    /**
     * The name clients see: lowercase, e.g. {@code dead_lettered}.
     *
     * @return the JSON value of this status
     */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
