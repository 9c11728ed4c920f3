package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Who waits for which task's changes: one queue subscription for all of them, so a change costs
 * one lookup however many clients wait.
 *
 * <p>Watchers are called on the thread that made the change, possibly while the queue backend
 * holds its lock (see {@link io.meridian.taskserver.queue.TaskQueue#subscribe}): they must only
 * hand the change on.
 */
final class TaskWatchers {

    private final Map<TaskId, List<Consumer<Task>>> watchers = new ConcurrentHashMap<>();

    /**
     * Passes a task's changes to {@code watcher} until the returned action runs.
     *
     * @param id      the task
     * @param watcher receives each change
     * @return stops the watching; idempotent
     */
    Runnable watch(TaskId id, Consumer<Task> watcher) {
        watchers.compute(id, (key, watching) -> {
            List<Consumer<Task>> all = watching != null ? watching : new CopyOnWriteArrayList<>();
            all.add(watcher);
            return all;
        });
        return () -> watchers.computeIfPresent(id, (key, watching) -> {
            watching.remove(watcher);
            return watching.isEmpty() ? null : watching;
        });
    }

    /**
     * Passes a change of the queue to the task's watchers.
     *
     * @param task the changed task
     */
    void onChange(Task task) {
        List<Consumer<Task>> watching = watchers.get(task.id());
        if (watching != null) {
            watching.forEach(watcher -> watcher.accept(task));
        }
    }
}
