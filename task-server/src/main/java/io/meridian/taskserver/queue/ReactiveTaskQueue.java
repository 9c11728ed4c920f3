package io.meridian.taskserver.queue;

import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The queue backend for reactive callers: every call is a {@link Mono} that runs the backend's
 * (possibly blocking) call where it may block, so that no controller or service on an event loop
 * needs to know whether the backend is in memory or across the network.
 *
 * <p>Design note: the choice is made once, here, from {@link TaskQueue#blocking()}. A blocking
 * backend (Redis) is called on {@link Schedulers#boundedElastic()}, whose threads may wait on the
 * network and whose bound keeps a slow Redis from growing threads without limit; a non-blocking
 * one (in memory) is called at once on the subscribing thread, since a hop to another thread
 * would cost more than the call. Composite work that reads the backend several times (a submit
 * that looks up its idempotency key first, a pool's figures) goes through {@link #call}, which
 * offloads the whole of it once rather than each call.
 *
 * <p>The façade adds nothing else: errors the backend throws arrive as the {@code Mono}'s error,
 * and an empty {@link Optional} becomes an empty {@code Mono}.
 */
public final class ReactiveTaskQueue {

    private final TaskQueue queue;

    private final @Nullable Scheduler offload;

    private ReactiveTaskQueue(TaskQueue queue, @Nullable Scheduler offload) {
        this.queue = queue;
        this.offload = offload;
    }

    /**
     * The façade over a backend, offloading its calls to the bounded elastic scheduler if it
     * {@linkplain TaskQueue#blocking() may block}.
     *
     * @param queue the backend
     * @return the façade
     */
    public static ReactiveTaskQueue over(TaskQueue queue) {
        return new ReactiveTaskQueue(queue, queue.blocking() ? Schedulers.boundedElastic() : null);
    }

    /**
     * The façade over a backend whose calls always run on {@code scheduler}: for tests, which
     * name the thread a call must run on.
     *
     * @param queue     the backend
     * @param scheduler where each call runs
     * @return the façade
     */
    static ReactiveTaskQueue over(TaskQueue queue, Scheduler scheduler) {
        return new ReactiveTaskQueue(queue, scheduler);
    }

    /**
     * The backend behind the façade, for work already running where it may block (a worker's
     * virtual thread, a {@link #call}).
     *
     * @return the backend
     */
    public TaskQueue backend() {
        return queue;
    }

    /**
     * Runs work that calls the backend (once or several times) where it may block.
     *
     * @param <T>  what the work returns
     * @param work the work; a {@code null} value completes the {@code Mono} empty
     * @return the work's value, or its exception as an error
     */
    public <T> Mono<T> call(Callable<? extends @Nullable T> work) {
        Mono<T> result = Mono.fromCallable(work);
        return offload != null ? result.subscribeOn(offload) : result;
    }

    /**
     * Subscribes to {@code source} where the backend may block: for a stream whose subscription
     * reads the backend (the current state of a task before its changes).
     *
     * @param <T>    the elements
     * @param source the stream
     * @return the same stream, subscribed to where it may block
     */
    public <T> Flux<T> subscribed(Flux<T> source) {
        return offload != null ? source.subscribeOn(offload) : source;
    }

    /**
     * {@link TaskQueue#find}.
     *
     * @param id the task's id
     * @return the task, or empty if it was never submitted here or has expired
     */
    public Mono<Task> find(TaskId id) {
        return call(() -> queue.find(id).orElse(null));
    }

    /**
     * {@link TaskQueue#submit}.
     *
     * @param task a newly accepted task
     * @return the submission; {@link QueueFullException} as an error if its queue is full
     */
    public Mono<TaskQueue.Submission> submit(Task task) {
        return call(() -> queue.submit(task));
    }

    /**
     * {@link TaskQueue#cancel}.
     *
     * @param id the task
     * @return the cancellation, or empty if the task is unknown
     */
    public Mono<TaskQueue.Cancellation> cancel(TaskId id) {
        return call(() -> queue.cancel(id).orElse(null));
    }

    /**
     * {@link TaskQueue#replicas}.
     *
     * @return the replicas, this one included
     */
    public Mono<List<Replica>> replicas() {
        return call(queue::replicas);
    }

    /**
     * {@link TaskQueue#recentFailures}.
     *
     * @param limit the most tasks to return
     * @return the tasks, newest first
     */
    public Mono<List<Task>> recentFailures(int limit) {
        return call(() -> queue.recentFailures(limit));
    }

    /**
     * {@link TaskQueue#setPaused}.
     *
     * @param queueName the queue's name
     * @param paused    whether workers stop taking its tasks
     * @return completes once the state is recorded
     */
    public Mono<Void> setPaused(String queueName, boolean paused) {
        return call(() -> {
            queue.setPaused(queueName, paused);
            return null;
        });
    }

    /**
     * {@link TaskQueue#pausedQueues}.
     *
     * @return the names of the queues paused now
     */
    public Mono<Set<String>> pausedQueues() {
        return call(queue::pausedQueues);
    }
}
