package io.meridian.taskserver.testsupport;

import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Waits, with a timeout and without polling, for a task to reach a state. */
public final class TaskAwait {

    private TaskAwait() {
    }

    /**
     * Waits until the task satisfies {@code condition}, as the queue reports its changes.
     *
     * @param queue     the queue that holds it
     * @param id        the task
     * @param condition the state waited for
     * @param timeout   the longest wait
     * @return the task in that state
     * @throws AssertionError naming the task's state if it did not get there in time
     */
    public static Task await(TaskQueue queue, TaskId id, Predicate<Task> condition, Duration timeout) {
        CompletableFuture<Task> reached = new CompletableFuture<>();
        try (TaskQueue.Subscription subscription = queue.subscribe(task -> {
            if (task.id().equals(id) && condition.test(task)) {
                reached.complete(task);
            }
        })) {
            queue.find(id).filter(condition).ifPresent(reached::complete);
            return reached.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (Exception failure) {
            throw new AssertionError("task " + id + " did not reach the expected state within " + timeout
                    + "; it is " + queue.find(id).map(Task::toString).orElse("gone"), failure);
        }
    }

    /**
     * Waits until the task has a status, for up to 30 s: a bound that holds on a busy machine.
     *
     * @param queue  the queue that holds it
     * @param id     the task
     * @param status the status waited for
     * @return the task with that status
     */
    public static Task awaitStatus(TaskQueue queue, TaskId id, TaskStatus status) {
        return await(queue, id, task -> task.status() == status, Duration.ofSeconds(30));
    }
}
