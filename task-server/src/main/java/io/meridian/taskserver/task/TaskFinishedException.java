package io.meridian.taskserver.task;

import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;

/** The task has already finished, so it cannot be cancelled: 409 {@code task_finished}. */
public class TaskFinishedException extends ApiException {

    /**
     * Creates the exception.
     *
     * @param task the finished task
     */
    public TaskFinishedException(Task task) {
        super(ApiError.TASK_FINISHED, 409, "task " + task.id() + " has already finished as "
                + task.status().wireName(), null, null);
    }
}
