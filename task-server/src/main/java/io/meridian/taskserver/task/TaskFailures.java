package io.meridian.taskserver.task;

import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;

/** How a task that ended without a result is answered to a caller that waited for it. */
public final class TaskFailures {

    private TaskFailures() {
    }

    /**
     * The error answer for a failed, dead-lettered or cancelled task: 502 for a model error, 504 for
     * a model timeout, 409 for a cancelled task, 500 otherwise.
     */
    public static ApiException toApiException(Task task) {
        if (task.status() == TaskStatus.CANCELLED) {
            return new ApiException(ApiError.TASK_FINISHED, 409,
                    "task " + task.id() + " was cancelled before it answered", null, null);
        }
        TaskError error = task.lastError();
        if (error == null) {
            return new ApiException(ApiError.INTERNAL_ERROR, 500, "task " + task.id() + " failed", null, null);
        }
        int status = switch (error.error()) {
            case TaskError.MODEL_ERROR -> 502;
            case TaskError.MODEL_TIMEOUT -> 504;
            default -> 500;
        };
        return new ApiException(error.error(), status, error.message(), null, null);
    }
}
