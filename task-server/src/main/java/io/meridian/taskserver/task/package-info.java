/**
 * The task model, shared by the queues, the workers and the APIs: {@link
 * io.meridian.taskserver.task.Task}, its region-naming {@link io.meridian.taskserver.task.TaskId},
 * its statuses, results and errors, the caller's {@link io.meridian.taskserver.task.TaskScope},
 * request validation shared by the submitting endpoints, and the views and errors they answer
 * with. It knows nothing of the queues; the task path over them is in {@code taskapi}.
 */
@NullMarked
package io.meridian.taskserver.task;

import org.jspecify.annotations.NullMarked;
