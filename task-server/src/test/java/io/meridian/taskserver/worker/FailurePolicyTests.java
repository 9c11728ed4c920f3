package io.meridian.taskserver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.llm.ModelFailureException;
import io.meridian.taskserver.llm.ModelTimeoutException;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskStatus;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;

/** What becomes of a failed attempt, decided without threads or a queue. */
class FailurePolicyTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8), new Random(3));

    private final FailurePolicy policy = new FailurePolicy(backoff);

    @Test
    void retriesARetryableFailureWhileAttemptsRemainWithTheBackOffsDelay() {
        RetryBackoff same = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8), new Random(3));

        FailurePolicy.Decision first = policy.decide(1, 3, true);
        FailurePolicy.Decision second = policy.decide(2, 3, true);

        assertThat(first.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(first.delay()).isEqualTo(same.delayAfter(1));
        assertThat(second.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(second.delay()).isEqualTo(same.delayAfter(2)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(first.outcome()).isEqualTo("retrying");
    }

    @Test
    void deadLettersARetryableFailureOfTheLastAttempt() {
        FailurePolicy.Decision decision = policy.decide(3, 3, true);

        assertThat(decision.status()).isEqualTo(TaskStatus.DEAD_LETTERED);
        assertThat(decision.delay()).isZero();
        assertThat(decision.outcome()).isEqualTo("dead_lettered");
    }

    @Test
    void failsADefectAtOnceWhateverAttemptsRemain() {
        FailurePolicy.Decision decision = policy.decide(1, 5, false);

        assertThat(decision.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(decision.outcome()).isEqualTo("failed");
    }

    @Test
    void aModelFailureIsARetryableModelError() {
        FailurePolicy.Failure failure = FailurePolicy.classify(
                Exceptions.propagate(new ModelFailureException("ollama", "connection refused")), false, false,
                "ollama", TIMEOUT);

        assertThat(failure.kind()).isEqualTo(FailurePolicy.Kind.MODEL_FAILURE);
        assertThat(failure.kind().retryable()).isTrue();
        assertThat(failure.error()).isEqualTo(new TaskError(TaskError.MODEL_ERROR, "connection refused"));
    }

    @Test
    void theModelClientsTimeoutIsARetryableModelTimeout() {
        ModelTimeoutException timeout = new ModelTimeoutException("ollama", Duration.ofSeconds(5));

        FailurePolicy.Failure failure = FailurePolicy.classify(timeout, false, false, "ollama", TIMEOUT);

        assertThat(failure.kind()).isEqualTo(FailurePolicy.Kind.MODEL_TIMEOUT);
        assertThat(failure.error().error()).isEqualTo(TaskError.MODEL_TIMEOUT);
        assertThat(failure.error().message()).isEqualTo(timeout.getMessage());
    }

    @Test
    void anAttemptStoppedAtTheTaskTimeoutIsAModelTimeoutNamingTheTaskTimeout() {
        FailurePolicy.Failure failure = FailurePolicy.classify(new InterruptedException(), true, true, "ollama",
                TIMEOUT);

        assertThat(failure.kind()).isEqualTo(FailurePolicy.Kind.TIMED_OUT);
        assertThat(failure.kind().retryable()).isTrue();
        assertThat(failure.error()).isEqualTo(new TaskError(TaskError.MODEL_TIMEOUT,
                new ModelTimeoutException("ollama", TIMEOUT).getMessage()));
    }

    @Test
    void anAttemptStoppedBeforeTheModelAnsweredIsRetryable() {
        FailurePolicy.Failure cancelled = FailurePolicy.classify(new IllegalStateException("interrupted call"), false,
                true, "ollama", TIMEOUT);
        FailurePolicy.Failure interrupted = FailurePolicy.classify(Exceptions.propagate(new InterruptedException()),
                false, false, "ollama", TIMEOUT);

        assertThat(cancelled.kind()).isEqualTo(FailurePolicy.Kind.STOPPED);
        assertThat(interrupted.kind()).isEqualTo(FailurePolicy.Kind.STOPPED);
        assertThat(cancelled.error()).isEqualTo(new TaskError(TaskError.MODEL_ERROR,
                "the attempt was stopped before the model answered"));
        assertThat(cancelled.kind().retryable()).isTrue();
    }

    @Test
    void anythingElseIsADefectThatFailsTheTaskWithoutItsMessage() {
        FailurePolicy.Failure failure = FailurePolicy.classify(new NullPointerException("secret detail"), false,
                false, "ollama", TIMEOUT);

        assertThat(failure.kind()).isEqualTo(FailurePolicy.Kind.DEFECT);
        assertThat(failure.kind().retryable()).isFalse();
        assertThat(failure.error()).isEqualTo(new TaskError(TaskError.INTERNAL_ERROR,
                "the task failed unexpectedly; it has been logged"));
        assertThat(policy.decide(1, 3, failure.kind().retryable()).status()).isEqualTo(TaskStatus.FAILED);
    }
}
