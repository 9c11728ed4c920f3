package io.meridian.taskserver.worker;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.queue.PoolBounds;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.QueueStats;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.taskapi.TaskTokens;
import io.meridian.taskserver.tracing.TaskTracing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of one queue: claims its tasks and runs each attempt on its own virtual thread
 * ({@link AttemptRunner}), which records the outcome as the {@link FailurePolicy} decides.
 *
 * <p>Design note: one method, {@link #dispatch()}, does all the bookkeeping under the pool's lock:
 * it stops attempts past the task timeout, beats the running attempts' hearts, asks the {@link
 * Autoscaler} how many workers to run, and claims tasks until that many run. It runs on a submit
 * or an attempt's end (through the {@code dispatcher} executor, never on the thread that signals,
 * so no queue lock is held while the pool's is taken) and on every tick, which also brings
 * retries whose time has come. Timeouts are measured on the injected clock, not by the thread
 * that waits, so tests advance the clock and call {@code dispatch()}. An attempt blocks its
 * virtual thread on the model ({@link ChatBackend} answers with a {@code Mono}); stopping an
 * attempt (timeout, cancellation, shutdown) interrupts that thread, which cancels the model call.
 *
 * <p>Failures: a model failure or timeout is retried after {@link RetryBackoff}'s delay while
 * attempts remain, then dead-lettered with its error; any other exception is a defect that a retry
 * would repeat, so the task fails at once (see {@link FailurePolicy}). Every outcome is recorded
 * with the attempt's number as fencing token, so a cancelled attempt's late answer is discarded.
 */
final class WorkerPool {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final QueueSettings settings;

    private final TaskQueue queue;

    private final Autoscaler autoscaler;

    private final AttemptRunner runner;

    private final Duration heartbeatInterval;

    private final Clock clock;

    private final Executor dispatcher;

    private final Executor workers;

    private final Map<TaskId, Attempt> running = new ConcurrentHashMap<>();

    private final QueueRates rates;

    private final AtomicBoolean dispatchRequested = new AtomicBoolean();

    /** Notified whenever an attempt ends, for {@link #awaitIdle}. */
    private final Object attemptEnded = new Object();

    private volatile boolean stopped = true;

    private volatile boolean paused;

    WorkerPool(QueueSettings settings, TaskQueue queue, ChatBackend backend, Autoscaler autoscaler,
            RetryBackoff backoff, Duration heartbeatInterval, Clock clock, Executor dispatcher) {
        this(settings, queue, backend, autoscaler, backoff, heartbeatInterval, clock, dispatcher, null);
    }

    WorkerPool(QueueSettings settings, TaskQueue queue, ChatBackend backend, Autoscaler autoscaler,
            RetryBackoff backoff, Duration heartbeatInterval, Clock clock, Executor dispatcher,
            @Nullable TaskTokens tokens) {
        this(settings, queue, backend, autoscaler, backoff, heartbeatInterval, clock, dispatcher, tokens,
                TaskTracing.NONE, new TaskLog(TaskLogProperties.DEFAULTS));
    }

    WorkerPool(QueueSettings settings, TaskQueue queue, ChatBackend backend, Autoscaler autoscaler,
            RetryBackoff backoff, Duration heartbeatInterval, Clock clock, Executor dispatcher,
            @Nullable TaskTokens tokens, TaskTracing tracing, TaskLog taskLog) {
        this.settings = settings;
        this.queue = queue;
        this.autoscaler = autoscaler;
        this.runner = new AttemptRunner(settings, queue, backend, new FailurePolicy(backoff), clock, tokens, tracing,
                taskLog);
        this.heartbeatInterval = heartbeatInterval;
        this.clock = clock;
        this.rates = new QueueRates(clock);
        this.dispatcher = dispatcher;
        // Thread per task: nothing to size or shut down; stopping the pool interrupts the attempts.
        this.workers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("worker-" + settings.name() + "-", 0).factory());
        queue.subscribe(this::onChange);
    }

    /** Starts, stops and beats attempts, and resizes the pool; see the class comment. */
    synchronized void dispatch() {
        if (stopped) {
            return;
        }
        Instant now = clock.instant();
        for (Attempt attempt : running.values()) {
            if (!now.isBefore(attempt.deadline)) {
                attempt.stop(true);
            }
            else if (!now.isBefore(attempt.lastHeartbeat.plus(heartbeatInterval))) {
                queue.heartbeat(attempt.task.id(), attempt.task.attempts());
                attempt.lastHeartbeat = now;
            }
        }
        QueueStats stats = queue.stats(settings.name());
        rates.record(stats);
        int workers = autoscaler.resize(running.size(), queue.readyShare(stats));
        // Paused: running attempts go on (and are beaten and timed out above); nothing new starts.
        if (!paused && running.size() < workers) {
            for (Task claimed : queue.claim(settings.name(), workers - running.size())) {
                start(claimed, now);
            }
        }
    }

    /**
     * Whether to take new tasks off the queue: paused, submits are still queued and running
     * attempts go on. The pools' tick sets it from the queue's shared pause state.
     */
    void paused(boolean paused) {
        boolean resumed = this.paused && !paused;
        this.paused = paused;
        if (resumed) {
            requestDispatch();
        }
    }

    boolean paused() {
        return paused;
    }

    /**
     * New worker bounds for this replica's pool.
     *
     * @throws IllegalArgumentException unless 1 <= min <= max
     */
    synchronized void resize(int min, int max) {
        autoscaler.bounds(min, max);
        requestDispatch();
    }

    /**
     * Applies the region's shared bounds for this pool, or its configured ones when none are set;
     * nothing changes when they are the bounds in force already.
     *
     * @param shared the bounds set for every replica, or {@code null}
     */
    synchronized void bounds(@Nullable PoolBounds shared) {
        int min = shared == null ? settings.minWorkers() : shared.min();
        int max = shared == null ? settings.maxWorkers() : shared.max();
        if (min != autoscaler.min() || max != autoscaler.max()) {
            resize(min, max);
        }
    }

    String name() {
        return settings.name();
    }

    /** Asks for a {@link #dispatch()} soon, on the dispatcher; requests made meanwhile are merged. */
    void requestDispatch() {
        if (stopped || !dispatchRequested.compareAndSet(false, true)) {
            return;
        }
        try {
            dispatcher.execute(() -> {
                dispatchRequested.set(false);
                dispatchSafely();
            });
        }
        catch (RejectedExecutionException shuttingDown) {
            dispatchRequested.set(false);
        }
    }

    /** {@link #dispatch()} for a scheduler: a failure is logged, never thrown, so ticking never stops. */
    void dispatchSafely() {
        try {
            dispatch();
        }
        catch (RuntimeException | Error failure) {
            log.error("Worker pool '{}' failed to dispatch; it will try again on the next tick", settings.name(),
                    failure);
        }
    }

    private void start(Task task, Instant now) {
        Attempt attempt = new Attempt(task, now.plus(settings.taskTimeout()), now);
        running.put(task.id(), attempt);
        try {
            workers.execute(() -> runner.run(attempt, this::ended));
        }
        catch (RuntimeException | OutOfMemoryError noThread) {
            // Without a thread nobody would ever end this attempt: hand the task back now.
            running.remove(task.id(), attempt);
            log.error("Worker pool '{}' could not start a thread for task {}", settings.name(), task.id(), noThread);
            runner.record(task, new TaskError(TaskError.INTERNAL_ERROR,
                    "no worker could be started; the task will be retried"), true, Duration.ZERO);
        }
    }

    /** Called by the runner when an attempt has ended, however it ended. */
    private void ended(Attempt attempt) {
        running.remove(attempt.task.id(), attempt);
        synchronized (attemptEnded) {
            attemptEnded.notifyAll();
        }
        requestDispatch();
    }

    /** Stops the attempt of a task cancelled while running, and wakes the pool for new work. */
    private void onChange(Task task) {
        if (!task.queue().equals(settings.name())) {
            return;
        }
        if (task.status() == TaskStatus.QUEUED) {
            requestDispatch();
        }
        else if (task.status() == TaskStatus.CANCELLED) {
            Attempt attempt = running.get(task.id());
            if (attempt != null && attempt.task.attempts() == task.attempts()) {
                attempt.stop(false);
            }
        }
    }

    /**
     * The pool's figures.
     *
     * @return the queue's figures with the pool's worker counts
     */
    PoolStats stats() {
        int current;
        synchronized (this) {
            current = autoscaler.current();
        }
        // The rates are sampled by dispatch, which runs on every tick.
        int min;
        int max;
        synchronized (this) {
            min = autoscaler.min();
            max = autoscaler.max();
        }
        return new PoolStats(settings, queue.stats(settings.name()), current, min, max, rates.rates(), paused);
    }

    /** Attempts running on this replica now. */
    int running() {
        return running.size();
    }

    /** Starts claiming tasks (again, after {@link #stop()}). */
    void start() {
        stopped = false;
        requestDispatch();
    }

    /** Stops claiming tasks; the running attempts go on. */
    void stopClaiming() {
        stopped = true;
    }

    /**
     * Waits for the running attempts to end.
     *
     * @param deadlineNanos the {@link System#nanoTime()} at which to give up
     * @return {@code true} if none runs any more
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        synchronized (attemptEnded) {
            while (!running.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                attemptEnded.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Stops claiming tasks and interrupts the running attempts, which are then retried or recorded. */
    void stop() {
        stopClaiming();
        running.values().forEach(attempt -> attempt.stop(false));
    }
}
