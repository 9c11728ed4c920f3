package io.meridian.taskserver.queue.redis;

import io.meridian.taskserver.task.Task;

/**
 * A task as read from its hash, with what a commit of its next state must match.
 *
 * @param task    the task
 * @param version the hash's {@code version}, which the commit compares
 * @param entry   the hash's {@code entry}, the stream entry whose delivery may run it
 */
record StoredTask(Task task, String version, String entry) {
}
