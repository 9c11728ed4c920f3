package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.queue.StoreEpoch;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskLostException;
import io.meridian.taskserver.task.TaskNotFoundException;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import io.meridian.taskserver.web.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * The identifiers a client sends: a task id in a path, which must name this region, and the
 * {@value TaskService#IDEMPOTENCY_KEY} header of a submit.
 */
final class ClientIds {

    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    private final String region;

    private final TaskQueue queue;

    /**
     * @param region this server's region id
     * @param queue  the store whose epoch tells a lost task from an unknown one
     */
    ClientIds(String region, TaskQueue queue) {
        this.region = region;
        this.queue = queue;
    }

    /**
     * Reads an id sent by a client and checks that it names this region.
     *
     * @param id the id as sent
     * @return the id
     * @throws InvalidRequestException if it is not a task id (field {@code id})
     * @throws TaskNotFoundException   if it names another region
     */
    TaskId taskId(String id) {
        TaskId taskId;
        try {
            taskId = TaskId.parse(id);
        }
        catch (IllegalArgumentException malformed) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, malformed.getMessage(), "id");
        }
        if (!taskId.region().equals(region)) {
            throw new TaskNotFoundException("task " + taskId + " is held by region '" + taskId.region()
                    + "', not by this one ('" + region + "'); ask through the gateway");
        }
        return taskId;
    }

    /**
     * Checks an idempotency key.
     *
     * @param key the key as sent
     * @throws InvalidRequestException unless it is 1 to 200 visible ASCII characters without spaces
     */
    static void checkIdempotencyKey(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, TaskService.IDEMPOTENCY_KEY
                    + " must be 1 to 200 visible ASCII characters without spaces", TaskService.IDEMPOTENCY_KEY);
        }
    }

    /**
     * The answer for a task that is not held here: {@link TaskLostException} (410) if its id names
     * another epoch of the store than the current one, else {@link TaskNotFoundException} (404).
     *
     * @param id the task
     * @return the exception to throw
     */
    ApiException missing(TaskId id) {
        StoreEpoch epoch = queue.epoch();
        if (epoch.lost(id)) {
            return new TaskLostException("task " + id + " was lost: region '" + region + "' started its task store anew "
                    + "at " + epoch.startedAt() + " because " + epoch.cause() + ", so the task and its answer are gone; "
                    + "submitting it again runs it again");
        }
        return new TaskNotFoundException("no task " + id + " here; it never existed or its result has expired");
    }
}
