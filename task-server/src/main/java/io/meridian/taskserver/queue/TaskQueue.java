package io.meridian.taskserver.queue;

import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import java.util.function.Consumer;

/**
 * The region's queues and the tasks in them: where tasks wait, who runs them, and what became of
 * them until their results expire.
 *
 * <p>The contract every backend honours (the in-memory one and Redis Streams):
 * <ul>
 *   <li><b>Bounded.</b> {@link #submit} refuses a task at once with {@link QueueFullException}
 *       when its queue holds {@link QueueSettings#maxDepth()} waiting tasks. Retries of accepted
 *       tasks are never refused.
 *   <li><b>Nothing accepted is lost.</b> A task leaves the backend only by expiring, which happens
 *       {@code meridian.tasks.result-ttl} after it finished, by the backend's clock.
 *   <li><b>Nothing runs twice by accident.</b> {@link #claim} hands a task to one worker and
 *       numbers the attempt; {@link #succeed}, {@link #retry}, {@link #fail} and {@link #heartbeat}
 *       take that number as a fencing token and do nothing (answering empty) unless the task is
 *       still running that very attempt, so a cancelled or reclaimed attempt cannot overwrite what
 *       happened since.
 *   <li><b>Final is final.</b> A task in a {@linkplain TaskStatus#isTerminal() final status} never
 *       changes again.
 *   <li><b>Idempotent submits, per tenant.</b> A task whose {@link Task#idempotencyKey()} names a
 *       task of the same {@linkplain Task#tenant() tenant} still held is not added; the held one is
 *       returned instead. Another tenant's task under the same key is another task.
 *   <li><b>Observable.</b> Each status change is passed to every {@linkplain #subscribe
 *       subscriber}, in the order the changes happened for any one task. Heartbeats are not
 *       status changes and are not passed on.
 * </ul>
 *
 * <p>How Redis Streams maps onto it: one stream per queue, read by one consumer group
 * ({@code XADD} on submit, {@code XREADGROUP} on claim, {@code XACK} when an attempt ends); a
 * sorted set of retry times; a hash per task with {@code EXPIRE} at the result TTL; {@code SET NX}
 * for idempotency keys (named by tenant and key); a housekeeping lease with a fencing token under which one replica
 * takes back the attempts of lost replicas, which the attempt numbers above make safe; a dead-letter stream written by {@link
 * #fail} with {@link TaskStatus#DEAD_LETTERED}; pub/sub for the subscribers.
 */
public interface TaskQueue {

    /** The most finished tasks the embedded backend keeps unless told otherwise ({@code meridian.tasks.max-finished-in-memory}). */
    int DEFAULT_MAX_FINISHED_IN_MEMORY = 100_000;

    /**
     * The embedded backend: every queue and task in this JVM's memory, lost when it stops; at most
     * {@link #DEFAULT_MAX_FINISHED_IN_MEMORY} finished tasks are kept.
     *
     * @param queues    the queues it holds
     * @param resultTtl how long a finished task is kept
     * @param clock     the clock of retry times and expiry
     * @return an empty backend
     */
    static TaskQueue inMemory(Queues queues, Duration resultTtl, Clock clock) {
        return inMemory(queues, resultTtl, DEFAULT_MAX_FINISHED_IN_MEMORY, clock);
    }

    /**
     * The embedded backend, keeping at most {@code maxFinished} finished tasks: beyond that, the
     * oldest are forgotten before their result TTL.
     *
     * @param queues      the queues it holds
     * @param resultTtl   how long a finished task is kept at most
     * @param maxFinished the most finished tasks kept
     * @param clock       the clock of retry times and expiry
     * @return an empty backend
     */
    static TaskQueue inMemory(Queues queues, Duration resultTtl, int maxFinished, Clock clock) {
        return new InMemoryTaskQueue(queues, resultTtl, maxFinished, clock);
    }

    /**
     * The epoch of the store: which life of it this is. In memory, a new one each time the backend
     * is made (the process starts); with Redis, the one stored in Redis for the region, made when
     * the region's data is first written or after Redis lost it (checked again on every
     * {@link #housekeep}). New task ids name it.
     *
     * @return the current epoch
     */
    StoreEpoch epoch();

    /**
     * Adds a new task to the tail of its queue.
     *
     * @param task a task as {@linkplain Task#accepted accepted}, naming one of the backend's queues
     * @return the task added, or the task already held under the same idempotency key
     * @throws QueueFullException       if the queue holds its maximum of waiting tasks
     * @throws IllegalArgumentException if the task names no known queue or is not newly accepted
     */
    Submission submit(Task task);

    /**
     * Looks a task up.
     *
     * @param id the task's id
     * @return the task, or empty if it was never submitted here or has expired
     */
    Optional<Task> find(TaskId id);

    /**
     * Looks a task up by the client's idempotency key, among one tenant's tasks.
     *
     * @param tenant         the tenant whose keys to search
     * @param idempotencyKey the key the task was submitted with
     * @return the task, or empty if no task of that tenant held here has that key
     */
    Optional<Task> findByIdempotencyKey(String tenant, String idempotencyKey);

    /**
     * Hands the oldest task that may run now (queued, and past its retry time if it has one) to
     * the caller, as {@link TaskStatus#RUNNING} with its attempt number raised by one.
     *
     * @param queue the queue's name
     * @return the running task, or empty if no task in the queue may run now
     */
    Optional<Task> claim(String queue);

    /**
     * {@link #claim(String)} for up to {@code max} tasks at once, oldest first. A backend across
     * the network fetches and starts them together, in a few round trips for the whole batch.
     *
     * @param queue the queue's name
     * @param max   the most tasks to hand over
     * @return the running tasks, none if no task in the queue may run now
     */
    default List<Task> claim(String queue, int max) {
        List<Task> claimed = new ArrayList<>();
        while (claimed.size() < max) {
            Optional<Task> next = claim(queue);
            if (next.isEmpty()) {
                break;
            }
            claimed.add(next.get());
        }
        return claimed;
    }

    /**
     * Records that a running attempt is alive (moves {@link Task#updatedAt()}).
     *
     * @param id      the task
     * @param attempt the attempt's number, as {@link #claim} gave it
     * @return the task, or empty if it is no longer running that attempt
     */
    Optional<Task> heartbeat(TaskId id, int attempt);

    /**
     * Ends a running attempt with an answer: the task succeeds.
     *
     * @param id      the task
     * @param attempt the attempt's number
     * @param result  the answer
     * @return the succeeded task, or empty (the result discarded) if it is no longer running that attempt
     */
    Optional<Task> succeed(TaskId id, int attempt, TaskResult result);

    /**
     * Ends a failed attempt and queues the task again, to be claimed no sooner than {@code retryAt}.
     *
     * @param id      the task
     * @param attempt the attempt's number
     * @param error   why the attempt failed
     * @param retryAt the earliest time of the next attempt
     * @return the queued task, or empty if it is no longer running that attempt
     */
    Optional<Task> retry(TaskId id, int attempt, TaskError error, Instant retryAt);

    /**
     * Ends a failed attempt and the task with it.
     *
     * @param id          the task
     * @param attempt     the attempt's number
     * @param finalStatus {@link TaskStatus#FAILED} (not worth retrying) or {@link
     *                    TaskStatus#DEAD_LETTERED} (no attempts left)
     * @param error       why the attempt failed
     * @return the finished task, or empty if it is no longer running that attempt
     */
    Optional<Task> fail(TaskId id, int attempt, TaskStatus finalStatus, TaskError error);

    /**
     * Cancels a task that is queued or running. A queued task leaves its queue at once; a running
     * one is marked cancelled at once, so its attempt's outcome will be discarded, and its worker
     * learns it from the change passed to subscribers.
     *
     * @param id the task
     * @return empty if the task is unknown, else the task and whether this call cancelled it
     *         (false: it had already finished)
     */
    Optional<Cancellation> cancel(TaskId id);

    /**
     * Keeps the backend in order; the worker pools call it on every tick. It forgets the tasks whose
     * results have been kept for the result TTL and, in a backend shared by several processes,
     * tells the others this process is alive and takes back the attempts of processes that were
     * lost, so that another worker runs them.
     *
     * <p>A shared backend does this work on one process at a time: the holder of a lease that
     * carries a fencing token, which every step checks, so two processes that lost touch with each
     * other never both act. On the other processes the call only reports that they are alive.
     *
     * @return how many tasks were forgotten or taken back
     */
    int housekeep();

    /**
     * The processes that share this backend: just this one in memory; with Redis, every replica
     * of the region that has reported itself alive recently or was lost and not yet forgotten.
     *
     * @return the replicas, this one included, by name
     */
    List<Replica> replicas();

    /**
     * How many of a queue's ready tasks this process should size its worker pool for. In memory,
     * all of them; when several replicas share the queue, an equal part for each live replica, so
     * that together they scale to the backlog instead of each scaling to all of it.
     *
     * @param stats the queue's figures
     * @return the ready tasks this process should plan workers for
     */
    default int readyShare(QueueStats stats) {
        return stats.ready();
    }

    /**
     * What a queue holds and has done.
     *
     * @param queue the queue's name
     * @return its figures now
     * @throws IllegalArgumentException if there is no such queue
     */
    QueueStats stats(String queue);

    /**
     * Pauses or resumes a queue for every process that shares this backend: a paused queue still
     * accepts submits, and no worker takes new tasks from it. With Redis the state is in Redis, so
     * every replica of the region obeys it (at its next tick) and it outlives their restarts.
     *
     * @param queue  the queue's name
     * @param paused whether workers stop taking its tasks
     * @throws IllegalArgumentException if there is no such queue
     */
    void setPaused(String queue, boolean paused);

    /**
     * The queues paused now.
     *
     * @return their names
     */
    java.util.Set<String> pausedQueues();

    /**
     * Sets the worker bounds of a queue's pool for every process that shares this backend, or
     * clears them ({@code null}) so that each pool is back to its configured bounds. With Redis
     * every replica applies them at its next tick and they outlive restarts, like a pause.
     *
     * @param queue  the queue's name
     * @param bounds the bounds for each replica's pool, or {@code null} for the configured ones
     * @throws IllegalArgumentException if there is no such queue
     */
    void setPoolBounds(String queue, @Nullable PoolBounds bounds);

    /**
     * The pool bounds set by {@link #setPoolBounds}, by queue; queues without are absent.
     *
     * @return the bounds set now
     */
    java.util.Map<String, PoolBounds> poolBounds();

    /**
     * Tells the backend this process's load, which a shared backend sends with this process's next
     * heartbeat so that every replica can report the whole region's ({@link #regionLoad}). The
     * worker pools call it on every tick.
     *
     * @param load this process's load now
     */
    default void reportLoad(ReplicaLoad load) {
    }

    /**
     * The load of every live process sharing this backend: in memory, this one's; with Redis,
     * this one's now plus every other live replica's as of this process's last heartbeat (at most
     * one tick old), read without a round trip.
     *
     * @param self this process's load now
     * @return the region's load
     */
    default RegionLoad regionLoad(ReplicaLoad self) {
        return new RegionLoad(self.inFlight(), self.capacity(), 1);
    }

    /** How many of the latest failed and dead-lettered tasks a backend remembers. */
    int RECENT_FAILURES = 200;

    /**
     * The latest tasks that ended {@link TaskStatus#FAILED} or {@link TaskStatus#DEAD_LETTERED},
     * with their errors, newest first: the last {@value #RECENT_FAILURES} of the whole region at
     * most. With Redis the list is shared by the replicas and outlives their restarts; in memory
     * it is this process's. A listed task may already have expired from {@link #find}.
     *
     * @param limit the most tasks to return
     * @return the tasks, newest first
     */
    List<Task> recentFailures(int limit);

    /**
     * Passes every status change to {@code listener} until the returned subscription is closed.
     * Listeners are called one at a time, on the thread that made the change, possibly while the
     * backend holds its lock: they must return quickly and must not call back into the queue.
     *
     * @param listener receives each changed task
     * @return the subscription, to close when no longer interested
     */
    Subscription subscribe(Consumer<Task> listener);

    /**
     * Whether calls may block their thread on the network (Redis) rather than return at once (in
     * memory). Callers on an event loop must offload the calls of a blocking backend.
     *
     * @return {@code true} if calls may block
     */
    default boolean blocking() {
        return false;
    }

    /**
     * The outcome of {@link #submit}.
     *
     * @param task    the task held for the submit
     * @param created {@code true} if it is the submitted task, {@code false} if an earlier task with
     *                the same idempotency key
     */
    record Submission(Task task, boolean created) {
    }

    /**
     * The outcome of {@link #cancel}.
     *
     * @param task      the task after the call
     * @param cancelled {@code true} if this call cancelled it, {@code false} if it had already finished
     */
    record Cancellation(Task task, boolean cancelled) {
    }

    /** A registration made by {@link #subscribe}. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {

        /** Stops passing changes on; idempotent. */
        @Override
        void close();
    }
}
