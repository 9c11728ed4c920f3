package io.meridian.taskserver.task;

import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;

/** No task with this id in this region: 404 {@code task_not_found}. */
public class TaskNotFoundException extends ApiException {

    /**
     * Creates the exception.
     *
     * @param message why, naming the id (and the region that holds it, if it is another one)
     */
    public TaskNotFoundException(String message) {
        super(ApiError.TASK_NOT_FOUND, 404, message, null, null);
    }
}
