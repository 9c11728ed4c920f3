package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.load.OverloadedException;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The region's admission bound: the {@link LoadTracker} counts the tasks accepted here and not yet
 * finished against {@code meridian.server.capacity}; beyond it a submit is refused with 503
 * {@code overloaded}, so that the gateway sends the work to another region.
 *
 * <p>A slot is taken before a task is queued and given back exactly once: when the task reaches a
 * final status, or at once if it was never queued (its queue was full, or an earlier task under the
 * same idempotency key was returned instead). The set of admitted ids makes the release idempotent,
 * so the load the gateway reads cannot drift.
 */
final class Admission {

    private final LoadTracker load;

    private final Set<TaskId> admitted = ConcurrentHashMap.newKeySet();

    Admission(LoadTracker load) {
        this.load = load;
    }

    /**
     * Takes a slot for a new task.
     *
     * @param nextId names the task once its slot is taken
     * @return the task's id, holding the slot until {@link #release} or its final status
     * @throws OverloadedException if the region is at capacity
     */
    TaskId admit(Supplier<TaskId> nextId) {
        if (!load.tryAcquire()) {
            throw new OverloadedException(load.capacity());
        }
        TaskId id = nextId.get();
        admitted.add(id);
        return id;
    }

    /**
     * Gives a task's slot back, if it still holds one.
     *
     * @param id the task
     */
    void release(TaskId id) {
        if (admitted.remove(id)) {
            load.release();
        }
    }

    /**
     * Gives the slot of a task that reached a final status back; a change of the queue.
     *
     * @param task the changed task
     */
    void onChange(Task task) {
        if (task.status().isTerminal()) {
            release(task.id());
        }
    }
}
