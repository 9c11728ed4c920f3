package io.meridian.taskserver.worker;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.CompletionDelta;
import io.meridian.taskserver.llm.CompletionRequest;
import io.meridian.taskserver.llm.ModelFailureException;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.taskapi.TaskTokens;
import io.meridian.taskserver.tracing.TaskTracing;
import io.micrometer.observation.Observation;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt on the thread that calls it (a worker's virtual thread, which may block): asks
 * the model, and records the outcome in the queue with the attempt's number as fencing token, so
 * that a cancelled attempt's late answer is discarded. A failure is recorded as the {@link
 * FailurePolicy} decides.
 *
 * <p>The attempt is an observation continuing the task's trace, so the model call is its child. A
 * task a client streams is asked with {@link ChatBackend#stream}, each piece passed on to {@link
 * TaskTokens} as the model produces it; the outcome is recorded the same way.
 */
final class AttemptRunner {

    private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);

    private final QueueSettings settings;

    private final TaskQueue queue;

    private final ChatBackend backend;

    private final FailurePolicy policy;

    private final Clock clock;

    private final @Nullable TaskTokens tokens;

    private final TaskTracing tracing;

    private final TaskLog taskLog;

    AttemptRunner(QueueSettings settings, TaskQueue queue, ChatBackend backend, FailurePolicy policy, Clock clock,
            @Nullable TaskTokens tokens, TaskTracing tracing, TaskLog taskLog) {
        this.settings = settings;
        this.queue = queue;
        this.backend = backend;
        this.policy = policy;
        this.clock = clock;
        this.tokens = tokens;
        this.tracing = tracing;
        this.taskLog = taskLog;
    }

    /**
     * Runs the attempt to its end and records its outcome.
     *
     * @param attempt the attempt
     * @param ended   called last, whatever happened
     */
    void run(Attempt attempt, Consumer<Attempt> ended) {
        Observation observation = tracing.attempt(attempt.task).start();
        try (Observation.Scope scope = observation.openScope()) {
            runObserved(attempt, observation, ended);
        }
        finally {
            observation.stop();
        }
    }

    private void runObserved(Attempt attempt, Observation observation, Consumer<Attempt> ended) {
        attempt.thread = Thread.currentThread();
        Task task = attempt.task;
        try {
            if (attempt.stopRequested) {
                throw new InterruptedException("stopped before it started");
            }
            CompletionRequest request = new CompletionRequest(task.query(), task.model(), task.messages(), task.maxTokens(),
                    task.parameters());
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
            ended.accept(attempt);
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
        FailurePolicy.Failure classified = FailurePolicy.classify(failure, attempt.timedOut, attempt.stopRequested,
                backend.name(), settings.taskTimeout());
        if (classified.kind() == FailurePolicy.Kind.DEFECT) {
            log.error("Task {} attempt {} failed unexpectedly", task.id(), task.attempts(), failure);
        }
        record(task, classified.error(), classified.kind().retryable(), attempt.took(clock));
    }

    /**
     * Ends a failed attempt as the policy decides: queued again after a back-off, failed, or
     * dead-lettered.
     *
     * @param task      the task as its attempt started
     * @param error     why the attempt failed
     * @param retryable whether another attempt may succeed
     * @param took      how long the attempt ran
     */
    void record(Task task, TaskError error, boolean retryable, Duration took) {
        int attempt = task.attempts();
        FailurePolicy.Decision decision = policy.decide(attempt, task.maxAttempts(), retryable);
        Optional<Task> outcome = switch (decision.status()) {
            case QUEUED -> queue.retry(task.id(), attempt, error, clock.instant().plus(decision.delay()));
            default -> queue.fail(task.id(), attempt, decision.status(), error);
        };
        outcome.ifPresent(t -> taskLog.failed(task, error, decision.outcome(),
                decision.status() == TaskStatus.QUEUED ? decision.delay() : null, took));
        if (decision.status() == TaskStatus.DEAD_LETTERED) {
            outcome.ifPresent(t -> log.warn("Task {} dead-lettered after {} attempts: {} {}", task.id(), attempt,
                    error.error(), error.message()));
        }
        if (outcome.isEmpty()) {
            log.debug("Task {} attempt {} ended after it stopped running ({})", task.id(), attempt, error.error());
        }
    }
}
