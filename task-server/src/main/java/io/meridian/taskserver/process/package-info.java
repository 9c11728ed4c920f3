/**
 * The synchronous API, {@code POST /process}: one query in, one answer out within
 * {@code meridian.tasks.sync-wait}, else the id of the task that is still working on it. It runs
 * on the same queues and workers as the asynchronous task API and shares its request validation.
 */
@NullMarked
package io.meridian.taskserver.process;

import org.jspecify.annotations.NullMarked;
