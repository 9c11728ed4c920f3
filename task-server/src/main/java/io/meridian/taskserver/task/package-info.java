/**
 * Tasks and the asynchronous task API: the task model ({@link io.meridian.taskserver.task.Task},
 * its region-naming {@link io.meridian.taskserver.task.TaskId} and its statuses), request
 * validation shared with {@code POST /process}, and {@link io.meridian.taskserver.task.TaskService},
 * which accepts, looks up, cancels, watches and awaits tasks over the queue backend.
 */
@NullMarked
package io.meridian.taskserver.task;

import org.jspecify.annotations.NullMarked;
