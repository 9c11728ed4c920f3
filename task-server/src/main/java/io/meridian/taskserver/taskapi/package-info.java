/**
 * The task path over the queues: {@link io.meridian.taskserver.taskapi.TaskService}, which
 * accepts, looks up, cancels, watches and awaits tasks; the one submit path that {@code POST
 * /v1/tasks}, {@code POST /process} and the chat completions share ({@link
 * io.meridian.taskserver.taskapi.TaskIntake}); admission, graceful degradation and the watcher
 * registry behind it; the asynchronous task API ({@code /v1/tasks/**}); and the hub that carries a
 * streamed task's tokens from its worker to its clients.
 *
 * <p>It depends on the task model ({@code task}) and the queues ({@code queue}); the queues depend
 * on the task model alone, so the two form no cycle.
 */
@NullMarked
package io.meridian.taskserver.taskapi;

import org.jspecify.annotations.NullMarked;
