package io.meridian.taskserver.queue;

import io.meridian.taskserver.task.Task;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscribers of a backend's task changes, as {@link TaskQueue#subscribe} promises them: each
 * change is passed to every subscriber on the thread that made (or, in Redis, heard) it, and one
 * subscriber that throws stops neither the change nor the others. Both backends publish through
 * one of these.
 */
public final class TaskChangeFeed {

    private static final Logger log = LoggerFactory.getLogger(TaskChangeFeed.class);

    private final List<Consumer<Task>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Adds a subscriber.
     *
     * @param listener called with every change
     * @return what removes it again
     */
    public TaskQueue.Subscription subscribe(Consumer<Task> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Passes a change to every subscriber.
     *
     * @param task the task as it now is
     */
    public void publish(Task task) {
        for (Consumer<Task> listener : listeners) {
            try {
                listener.accept(task);
            }
            catch (RuntimeException failure) {
                // One broken subscriber must not stop a transition or the other subscribers.
                log.error("Task listener failed on {} ({})", task.id(), task.status(), failure);
            }
        }
    }
}
