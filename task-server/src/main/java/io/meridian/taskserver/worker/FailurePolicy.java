package io.meridian.taskserver.worker;

import io.meridian.taskserver.llm.ModelFailureException;
import io.meridian.taskserver.llm.ModelTimeoutException;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskStatus;
import java.time.Duration;
import reactor.core.Exceptions;

/**
 * What becomes of a task whose attempt failed: pure decisions, made without threads or a queue, so
 * that each can be tested by itself.
 *
 * <p>Design note: a failure is first {@linkplain #classify classified} by what stopped the attempt,
 * then {@linkplain #decide decided} from the attempt's number and the task's limit. A model failure
 * or timeout (the model server's or the pool's task timeout), and an attempt stopped before the
 * model answered (a cancellation, which the queue discards anyway, or a shutdown, which another
 * replica or restart retries), are worth another attempt: it is retried after {@link
 * RetryBackoff}'s delay while attempts remain, then dead-lettered with its error. Any other
 * exception is a defect that a retry would repeat, so the task fails at once.
 */
final class FailurePolicy {

    private final RetryBackoff backoff;

    FailurePolicy(RetryBackoff backoff) {
        this.backoff = backoff;
    }

    /** What stopped an attempt. */
    enum Kind {
        /** The pool stopped it at the queue's task timeout. */
        TIMED_OUT,
        /** The model's client timed out. */
        MODEL_TIMEOUT,
        /** The model failed or answered nothing. */
        MODEL_FAILURE,
        /** Stopped before the model answered: cancelled, or the server is stopping. */
        STOPPED,
        /** Anything else: a defect, which a retry would repeat. */
        DEFECT;

        /** Whether another attempt may succeed. */
        boolean retryable() {
            return this != DEFECT;
        }
    }

    /**
     * A classified failure.
     *
     * @param kind  what stopped the attempt
     * @param error what the task records
     */
    record Failure(Kind kind, TaskError error) {
    }

    /**
     * What to do with the task.
     *
     * @param status {@link TaskStatus#QUEUED} (retry), {@link TaskStatus#FAILED} or {@link
     *               TaskStatus#DEAD_LETTERED}
     * @param delay  the wait before the next attempt, for a retry; zero otherwise
     */
    record Decision(TaskStatus status, Duration delay) {

        static Decision retryAfter(Duration delay) {
            return new Decision(TaskStatus.QUEUED, delay);
        }

        static final Decision FAIL = new Decision(TaskStatus.FAILED, Duration.ZERO);

        static final Decision DEAD_LETTER = new Decision(TaskStatus.DEAD_LETTERED, Duration.ZERO);

        /** The outcome as the task log names it. */
        String outcome() {
            return switch (status) {
                case QUEUED -> "retrying";
                case FAILED -> "failed";
                default -> "dead_lettered";
            };
        }
    }

    /**
     * Classifies what ended an attempt.
     *
     * @param failure       what the attempt threw
     * @param timedOut      whether the pool stopped it at the task timeout
     * @param stopRequested whether the pool stopped it (timeout, cancellation or shutdown)
     * @param backend       the model backend's name, for the timeout's message
     * @param taskTimeout   the queue's task timeout, for the timeout's message
     * @return the failure
     */
    static Failure classify(Throwable failure, boolean timedOut, boolean stopRequested, String backend,
            Duration taskTimeout) {
        Throwable cause = Exceptions.unwrap(failure);
        if (timedOut) {
            return new Failure(Kind.TIMED_OUT, new TaskError(TaskError.MODEL_TIMEOUT,
                    new ModelTimeoutException(backend, taskTimeout).getMessage()));
        }
        if (cause instanceof ModelTimeoutException) {
            return new Failure(Kind.MODEL_TIMEOUT, new TaskError(TaskError.MODEL_TIMEOUT,
                    String.valueOf(cause.getMessage())));
        }
        if (cause instanceof ModelFailureException) {
            return new Failure(Kind.MODEL_FAILURE, new TaskError(TaskError.MODEL_ERROR,
                    String.valueOf(cause.getMessage())));
        }
        if (stopRequested || cause instanceof InterruptedException) {
            return new Failure(Kind.STOPPED, new TaskError(TaskError.MODEL_ERROR,
                    "the attempt was stopped before the model answered"));
        }
        return new Failure(Kind.DEFECT, new TaskError(TaskError.INTERNAL_ERROR,
                "the task failed unexpectedly; it has been logged"));
    }

    /**
     * Decides what becomes of a task whose attempt failed.
     *
     * @param attempt     the number of the attempt that failed, from 1
     * @param maxAttempts the task's limit
     * @param retryable   whether another attempt may succeed
     * @return retry after a back-off while attempts remain, else dead-letter; fail a defect at once
     */
    Decision decide(int attempt, int maxAttempts, boolean retryable) {
        if (!retryable) {
            return Decision.FAIL;
        }
        if (attempt < maxAttempts) {
            return Decision.retryAfter(backoff.delayAfter(attempt));
        }
        return Decision.DEAD_LETTER;
    }
}
