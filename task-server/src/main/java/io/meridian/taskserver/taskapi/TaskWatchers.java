package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.queue.ReactiveTaskQueue;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskScope;
import io.meridian.taskserver.web.ConnectionLoop;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Who waits for which task's changes: one queue subscription for all of them, so a change costs
 * one lookup however many clients wait; and the stream each of them follows ({@link #changes}).
 *
 * <p>Watchers are called on the thread that made the change, possibly while the queue backend
 * holds its lock (see {@link io.meridian.taskserver.queue.TaskQueue#subscribe}): they must only
 * hand the change on.
 */
final class TaskWatchers {

    private final Map<TaskId, List<Consumer<Task>>> watchers = new ConcurrentHashMap<>();

    private final TaskQueue queue;

    private final ReactiveTaskQueue reactive;

    private final ClientIds clientIds;

    /**
     * @param queue     the backend, whose current state of a task starts its stream
     * @param reactive  the same backend, for where that read may block
     * @param clientIds what a task that is not held is answered with
     */
    TaskWatchers(TaskQueue queue, ReactiveTaskQueue reactive, ClientIds clientIds) {
        this.queue = queue;
        this.reactive = reactive;
        this.clientIds = clientIds;
    }

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

    /**
     * The current state, then every newer one, until a final one.
     *
     * @param id    the task
     * @param scope whose tasks the caller may follow
     * @return the states; fails before any if the task is unknown or outside the scope
     */
    Flux<Task> changes(TaskId id, TaskScope scope) {
        Flux<Task> states = Flux.<Task>create(sink -> {
            // Changes are filtered too: one may arrive before the current state is read and refused.
            sink.onDispose(watch(id, task -> {
                if (scope.sees(task)) {
                    sink.next(task);
                }
            })::run);
            emitCurrent(sink, id, scope);
        }, FluxSink.OverflowStrategy.BUFFER);
        // Subscribing reads the task from the backend: off the event loop if that may block (Redis).
        return reactive.subscribed(states)
                // Changes arrive on the thread that made them, maybe under the queue's lock: hand them
                // to another thread before anything (an HTTP write) runs downstream, the request's
                // connection's event loop when there is one (ConnectionLoop).
                .transformDeferredContextual((subscribed, context) -> subscribed.publishOn(ConnectionLoop.of(context)))
                .transform(TaskWatchers::newerOnly)
                .takeUntil(task -> task.status().isTerminal());
    }

    private void emitCurrent(FluxSink<Task> sink, TaskId id, TaskScope scope) {
        Optional<Task> current = queue.find(id).filter(scope::sees);
        if (current.isPresent()) {
            sink.next(current.get());
        }
        else {
            sink.error(clientIds.missing(id));
        }
    }

    /**
     * Drops states older than one already passed on: the current state is read after subscribing,
     * so a change may arrive before it.
     */
    private static Flux<Task> newerOnly(Flux<Task> states) {
        return Flux.defer(() -> {
            AtomicLong seen = new AtomicLong();
            return states.filter(task -> task.version() > seen.getAndAccumulate(task.version(), Math::max));
        });
    }
}
