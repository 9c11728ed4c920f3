package io.meridian.taskserver.worker;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.CompletionDelta;
import io.meridian.taskserver.llm.CompletionRequest;
import io.meridian.taskserver.llm.ModelFailureException;
import io.meridian.taskserver.llm.ModelTimeoutException;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.QueueStats;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.task.TaskTokens;
import io.meridian.taskserver.tracing.TaskTracing;
import io.micrometer.observation.Observation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;

/**
 * The workers of one queue: claims its tasks, runs each attempt on its own virtual thread, and
 * records the outcome, retrying with back-off until the task's attempts run out.
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
 * would repeat, so the task fails at once (logged with its stack trace). Every outcome is recorded
 * with the attempt's number as fencing token, so a cancelled attempt's late answer is discarded.
 *
 * <p>A task a client streams is asked with {@link ChatBackend#stream}, each piece passed on to
 * {@link TaskTokens} as the model produces it; the outcome is recorded the same way.
 */
final class WorkerPool {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final QueueSettings settings;

    private final TaskQueue queue;

    private final ChatBackend backend;

    private final Autoscaler autoscaler;

    private final RetryBackoff backoff;

    private final Duration heartbeatInterval;

    private final Clock clock;

    private final Executor dispatcher;

    private final Executor workers;

    private final @Nullable TaskTokens tokens;

    private final Map<TaskId, Attempt> running = new ConcurrentHashMap<>();

    private final QueueRates rates;

    private final AtomicBoolean dispatchRequested = new AtomicBoolean();

    /** Notified whenever an attempt ends, for {@link #awaitIdle}. */
    private final Object attemptEnded = new Object();

    private volatile boolean stopped = true;

    private final TaskTracing tracing;

    private final TaskLog taskLog;

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
        this.tracing = tracing;
        this.taskLog = taskLog;
        this.tokens = tokens;
        this.settings = settings;
        this.queue = queue;
        this.backend = backend;
        this.autoscaler = autoscaler;
        this.backoff = backoff;
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
            workers.execute(() -> run(attempt));
        }
        catch (RuntimeException | OutOfMemoryError noThread) {
            // Without a thread nobody would ever end this attempt: hand the task back now.
            running.remove(task.id(), attempt);
            log.error("Worker pool '{}' could not start a thread for task {}", settings.name(), task.id(), noThread);
            record(task, new TaskError(TaskError.INTERNAL_ERROR,
                    "no worker could be started; the task will be retried"), true);
        }
    }

    /** Runs the attempt as an observation continuing the task's trace: the model call is its child. */
    private void run(Attempt attempt) {
        Observation observation = tracing.attempt(attempt.task).start();
        try (Observation.Scope scope = observation.openScope()) {
            runObserved(attempt, observation);
        }
        finally {
            observation.stop();
        }
    }

    private void runObserved(Attempt attempt, Observation observation) {
        attempt.thread = Thread.currentThread();
        Task task = attempt.task;
        try {
            if (attempt.stopRequested) {
                throw new InterruptedException("stopped before it started");
            }
            CompletionRequest request = new CompletionRequest(task.query(), task.model(), task.messages(), task.maxTokens());
            Completion completion = task.stream() && tokens != null ? streamed(task, request, tokens)
                    : backend.complete(request).block();
            if (completion == null) {
                throw new ModelFailureException(backend.name(), "model backend '" + backend.name()
                        + "' answered nothing");
            }
            if (queue.succeed(task.id(), task.attempts(), TaskResult.of(completion)).isPresent()) {
                taskLog.succeeded(task, completion, attempt.took(clock));
            }
            else {
                log.debug("Task {} attempt {} answered after it stopped running; answer discarded", task.id(),
                        task.attempts());
            }
        }
        catch (Throwable failure) {
            observation.error(failure);
            failed(attempt, failure);
            if (failure instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        }
        finally {
            if (task.stream() && tokens != null
                    && queue.find(task.id()).map(t -> t.status().isTerminal()).orElse(true)) {
                tokens.release(task.id()); // a token that came after the end must not be held forever
            }
            running.remove(task.id(), attempt);
            synchronized (attemptEnded) {
                attemptEnded.notifyAll();
            }
            requestDispatch();
        }
    }

    private @Nullable Completion streamed(Task task, CompletionRequest request, TaskTokens sink) {
        CompletionDelta last = backend.stream(request)
                .doOnNext(step -> {
                    if (!step.text().isEmpty()) {
                        sink.emit(task.id(), task.attempts(), step.text());
                    }
                })
                .blockLast();
        return last != null ? last.completion() : null;
    }

    private void failed(Attempt attempt, Throwable failure) {
        Task task = attempt.task;
        Throwable cause = Exceptions.unwrap(failure);
        TaskError error;
        boolean retryable = true;
        if (attempt.timedOut) {
            error = new TaskError(TaskError.MODEL_TIMEOUT,
                    new ModelTimeoutException(backend.name(), settings.taskTimeout()).getMessage());
        }
        else if (cause instanceof ModelTimeoutException || cause instanceof ModelFailureException) {
            error = new TaskError(cause instanceof ModelTimeoutException ? TaskError.MODEL_TIMEOUT
                    : TaskError.MODEL_ERROR, String.valueOf(cause.getMessage()));
        }
        else if (attempt.stopRequested || cause instanceof InterruptedException) {
            // Cancelled (the queue already says so and will discard this) or the server is stopping.
            error = new TaskError(TaskError.MODEL_ERROR, "the attempt was stopped before the model answered");
        }
        else {
            log.error("Task {} attempt {} failed unexpectedly", task.id(), task.attempts(), failure);
            error = new TaskError(TaskError.INTERNAL_ERROR, "the task failed unexpectedly; it has been logged");
            retryable = false;
        }
        record(task, error, retryable, attempt.took(clock));
    }

    private void record(Task task, TaskError error, boolean retryable) {
        record(task, error, retryable, Duration.ZERO);
    }

    private void record(Task task, TaskError error, boolean retryable, Duration took) {
        int attempt = task.attempts();
        Optional<Task> outcome;
        if (!retryable) {
            outcome = queue.fail(task.id(), attempt, TaskStatus.FAILED, error);
            outcome.ifPresent(t -> taskLog.failed(task, error, "failed", null, took));
        }
        else if (attempt < task.maxAttempts()) {
            Duration delay = backoff.delayAfter(attempt);
            outcome = queue.retry(task.id(), attempt, error, clock.instant().plus(delay));
            outcome.ifPresent(t -> taskLog.failed(task, error, "retrying", delay, took));
        }
        else {
            outcome = queue.fail(task.id(), attempt, TaskStatus.DEAD_LETTERED, error);
            outcome.ifPresent(t -> taskLog.failed(task, error, "dead_lettered", null, took));
            outcome.ifPresent(t -> log.warn("Task {} dead-lettered after {} attempts: {} {}", task.id(), attempt,
                    error.error(), error.message()));
        }
        if (outcome.isEmpty()) {
            log.debug("Task {} attempt {} ended after it stopped running ({})", task.id(), attempt, error.error());
        }
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

    /** One running attempt. */
    private static final class Attempt {

        final Task task;

        final Instant deadline;

        volatile Instant lastHeartbeat;

        volatile @Nullable Thread thread;

        volatile boolean stopRequested;

        volatile boolean timedOut;

        final Instant started;

        Attempt(Task task, Instant deadline, Instant now) {
            this.task = task;
            this.deadline = deadline;
            this.lastHeartbeat = now;
            this.started = now;
        }

        Duration took(Clock clock) {
            Duration took = Duration.between(started, clock.instant());
            return took.isNegative() ? Duration.ZERO : took;
        }

        /** Flag first, then interrupt: whichever of this and {@code run} comes second sees the other. */
        void stop(boolean timeout) {
            if (timeout) {
                timedOut = true;
            }
            stopRequested = true;
            Thread runner = thread;
            if (runner != null) {
                runner.interrupt();
            }
        }
    }
}
