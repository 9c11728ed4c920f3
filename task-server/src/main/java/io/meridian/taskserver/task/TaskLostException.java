package io.meridian.taskserver.task;

import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;

/**
 * The task was held by an earlier epoch of the region's task store, which lost it when it started
 * anew: 410 {@code task_lost}. Unlike {@link TaskNotFoundException}, the task did exist; submitting
 * it again runs it again.
 */
public class TaskLostException extends ApiException {

    /**
     * Creates the exception.
     *
     * @param message what was lost, why, since when, and what the client may do
     */
    public TaskLostException(String message) {
        super(ApiError.TASK_LOST, 410, message, null, null);
    }
}
