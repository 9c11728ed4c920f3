package io.meridian.taskserver.queue;

import static io.meridian.taskserver.testsupport.TaskFixtures.COMPLEX;
import static io.meridian.taskserver.testsupport.TaskFixtures.SIMPLE;
import static io.meridian.taskserver.testsupport.TaskFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.taskserver.web.TenantHeaders;
import io.meridian.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link TaskQueue} backend owes, as {@link TaskQueue}'s Javadoc states it. A
 * backend's test extends this class and says how to build the backend; time is a {@link
 * MutableClock} the tests move.
 */
public abstract class TaskQueueContract {

    /** Each queue's bound in these tests. */
    protected static final int MAX_DEPTH = 3;

    /** How long finished tasks are kept in these tests. */
    protected static final Duration RESULT_TTL = Duration.ofMinutes(10);

    private static final TaskResult RESULT = new TaskResult("42", "qwen3", "scripted", TokenUsage.of(1, 1));

    private static final TaskError ERROR = new TaskError(TaskError.MODEL_ERROR, "model backend failed");

    protected final MutableClock clock = MutableClock.atEpochDay();

    protected TaskQueue queue;

    /**
     * Builds the backend under test, empty.
     *
     * @param queues    the queues it holds
     * @param resultTtl how long finished tasks are kept
     * @param clock     its clock
     * @return the backend
     */
    protected abstract TaskQueue newQueue(Queues queues, Duration resultTtl, Clock clock);

    @BeforeEach
    void createQueue() {
        queue = newQueue(TaskFixtures.queues(MAX_DEPTH), RESULT_TTL, clock);
    }

    private Task submit(String query) {
        return queue.submit(task(SIMPLE, query, null, clock)).task();
    }

    private Task claim() {
        return queue.claim(SIMPLE).orElseThrow();
    }

    @Test
    void claimsABatchOldestFirstSkippingWhatWasCancelledMeanwhile() {
        List<Task> submitted = new ArrayList<>();
        for (int i = 0; i < MAX_DEPTH; i++) {
            submitted.add(submit("task " + i));
        }
        queue.cancel(submitted.get(1).id());

        List<Task> first = queue.claim(SIMPLE, 1);
        List<Task> rest = queue.claim(SIMPLE, 10);

        assertThat(first).extracting(Task::id).containsExactly(submitted.get(0).id());
        assertThat(rest).extracting(Task::id).containsExactly(submitted.get(2).id());
        assertThat(rest).allSatisfy(task -> {
            assertThat(task.status()).isEqualTo(TaskStatus.RUNNING);
            assertThat(task.attempts()).isEqualTo(1);
        });
        assertThat(queue.stats(SIMPLE).running()).isEqualTo(2);
        assertThat(queue.stats(SIMPLE).depth()).isZero();
        assertThat(queue.claim(SIMPLE, 10)).isEmpty();
    }

    @Test
    void claimsTasksOldestFirstEachOnlyOnce() {
        Task first = submit("one");
        Task second = submit("two");

        Task claimed = claim();
        Task next = claim();

        assertThat(claimed.id()).isEqualTo(first.id());
        assertThat(next.id()).isEqualTo(second.id());
        assertThat(queue.claim(SIMPLE)).isEmpty();
    }

    @Test
    void claimMarksTheTaskRunningAndNumbersTheAttempt() {
        submit("one");
        clock.advance(Duration.ofSeconds(1));

        Task claimed = claim();

        assertThat(claimed.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(claimed.startedAt()).isEqualTo(clock.instant());
        assertThat(queue.find(claimed.id())).contains(claimed);
    }

    @Test
    void queuesAreIndependent() {
        queue.submit(task(COMPLEX, "big", null, clock));

        assertThat(queue.claim(SIMPLE)).isEmpty();
        assertThat(queue.claim(COMPLEX)).isPresent();
    }

    @Test
    void refusesASubmitBeyondMaxDepthAtOnce() {
        for (int i = 0; i < MAX_DEPTH; i++) {
            submit("q" + i);
        }

        assertThatThrownBy(() -> submit("one too many"))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("'simple'").hasMessageContaining(Integer.toString(MAX_DEPTH));
        assertThat(queue.stats(SIMPLE).depth()).isEqualTo(MAX_DEPTH);
    }

    @Test
    void runningTasksDoNotCountAgainstTheBound() {
        for (int i = 0; i < MAX_DEPTH; i++) {
            submit("q" + i);
        }
        claim();

        assertThat(submit("fits now").status()).isEqualTo(TaskStatus.QUEUED);
    }

    @Test
    void neverRefusesTheRetryOfAnAcceptedTask() {
        submit("first");
        Task running = claim();
        for (int i = 0; i < MAX_DEPTH; i++) {
            submit("q" + i);
        }

        assertThat(queue.retry(running.id(), 1, ERROR, clock.instant())).isPresent();
        assertThat(queue.stats(SIMPLE).depth()).isEqualTo(MAX_DEPTH + 1);
    }

    @Test
    void succeedStoresTheResult() {
        submit("one");
        Task running = claim();

        Task done = queue.succeed(running.id(), 1, RESULT).orElseThrow();

        assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(done.result()).isEqualTo(RESULT);
        assertThat(done.finishedAt()).isEqualTo(clock.instant());
        assertThat(queue.find(running.id())).contains(done);
    }

    @Test
    void discardsTheOutcomeOfAnAttemptThatNoLongerRuns() {
        submit("one");
        Task running = claim();
        queue.retry(running.id(), 1, ERROR, clock.instant());
        Task second = claim();

        assertThat(queue.succeed(running.id(), 1, RESULT)).isEmpty();
        assertThat(queue.fail(running.id(), 1, TaskStatus.DEAD_LETTERED, ERROR)).isEmpty();
        assertThat(queue.heartbeat(running.id(), 1)).isEmpty();
        assertThat(queue.find(running.id())).contains(second);
    }

    @Test
    void retryWaitsForItsTimeThenJoinsTheTailOfTheQueue() {
        submit("flaky");
        Task running = claim();
        Task retried = queue.retry(running.id(), 1, ERROR, clock.instant().plusSeconds(30)).orElseThrow();
        Task fresh = submit("fresh");

        assertThat(retried.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(retried.lastError()).isEqualTo(ERROR);
        assertThat(retried.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(claim().id()).isEqualTo(fresh.id());
        assertThat(queue.claim(SIMPLE)).isEmpty();
        assertThat(queue.stats(SIMPLE).ready()).isZero();

        clock.advance(Duration.ofSeconds(30));

        assertThat(queue.stats(SIMPLE).ready()).isEqualTo(1);
        Task second = claim();
        assertThat(second.id()).isEqualTo(running.id());
        assertThat(second.attempts()).isEqualTo(2);
    }

    @Test
    void pausingAQueueIsRecordedUntilItIsResumed() {
        assertThat(queue.pausedQueues()).isEmpty();
        queue.setPaused(SIMPLE, true);
        assertThat(queue.pausedQueues()).containsExactly(SIMPLE);
        queue.setPaused(SIMPLE, false);
        assertThat(queue.pausedQueues()).isEmpty();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> queue.setPaused("nope", true));
    }

    @Test
    void poolBoundsAreRecordedUntilCleared() {
        assertThat(queue.poolBounds()).isEmpty();
        queue.setPoolBounds(SIMPLE, new PoolBounds(2, 5));
        assertThat(queue.poolBounds()).containsExactly(java.util.Map.entry(SIMPLE, new PoolBounds(2, 5)));
        queue.setPoolBounds(SIMPLE, null);
        assertThat(queue.poolBounds()).isEmpty();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> queue.setPoolBounds("nope", new PoolBounds(1, 1)));
    }

    @Test
    void recentFailuresListsFailedAndDeadLetteredTasksNewestFirstWithTheirErrors() {
        Task failed = submit("fails");
        Task dead = submit("dies");
        Task fine = submit("succeeds");
        assertThat(queue.recentFailures(10)).isEmpty();
        claimAll();
        queue.fail(failed.id(), 1, TaskStatus.FAILED, ERROR);
        clock.advance(Duration.ofSeconds(1));
        queue.fail(dead.id(), 1, TaskStatus.DEAD_LETTERED, new TaskError(TaskError.MODEL_ERROR, "gave up"));
        queue.succeed(fine.id(), 1, RESULT);

        List<Task> failures = queue.recentFailures(10);
        assertThat(failures).extracting(Task::id).containsExactly(dead.id(), failed.id());
        assertThat(failures).extracting(Task::status).containsExactly(TaskStatus.DEAD_LETTERED, TaskStatus.FAILED);
        assertThat(failures.getFirst().lastError()).isEqualTo(new TaskError(TaskError.MODEL_ERROR, "gave up"));
        assertThat(failures.getLast().lastError()).isEqualTo(ERROR);
        assertThat(queue.recentFailures(1)).extracting(Task::id).containsExactly(dead.id());
    }

    private void claimAll() {
        while (queue.claim(SIMPLE).isPresent()) {
            // claim every ready task
        }
    }

    @Test
    void failEndsTheTaskWithItsError() {
        submit("poison");
        Task running = claim();

        Task dead = queue.fail(running.id(), 1, TaskStatus.DEAD_LETTERED, ERROR).orElseThrow();

        assertThat(dead.status()).isEqualTo(TaskStatus.DEAD_LETTERED);
        assertThat(dead.lastError()).isEqualTo(ERROR);
        assertThat(queue.stats(SIMPLE).deadLettered()).isEqualTo(1);
    }

    @Test
    void cancellingAQueuedTaskTakesItOutOfTheQueue() {
        Task queued = submit("never mind");

        TaskQueue.Cancellation cancellation = queue.cancel(queued.id()).orElseThrow();

        assertThat(cancellation.cancelled()).isTrue();
        assertThat(cancellation.task().status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(queue.claim(SIMPLE)).isEmpty();
        assertThat(queue.stats(SIMPLE).depth()).isZero();
    }

    @Test
    void cancellingATaskWaitingForItsRetryTakesItOutOfTheQueue() {
        submit("flaky");
        Task running = claim();
        queue.retry(running.id(), 1, ERROR, clock.instant().plusSeconds(5));

        assertThat(queue.cancel(running.id()).orElseThrow().cancelled()).isTrue();
        clock.advance(Duration.ofSeconds(5));

        assertThat(queue.claim(SIMPLE)).isEmpty();
        assertThat(queue.stats(SIMPLE).depth()).isZero();
    }

    @Test
    void cancellingARunningTaskDiscardsItsLateAnswer() {
        submit("slow");
        Task running = claim();

        assertThat(queue.cancel(running.id()).orElseThrow().cancelled()).isTrue();

        assertThat(queue.succeed(running.id(), 1, RESULT)).isEmpty();
        assertThat(queue.find(running.id()).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(queue.stats(SIMPLE).running()).isZero();
    }

    @Test
    void cancellingAFinishedTaskChangesNothing() {
        submit("one");
        Task running = claim();
        Task done = queue.succeed(running.id(), 1, RESULT).orElseThrow();

        TaskQueue.Cancellation cancellation = queue.cancel(running.id()).orElseThrow();

        assertThat(cancellation.cancelled()).isFalse();
        assertThat(cancellation.task()).isEqualTo(done);
    }

    @Test
    void cancellingAnUnknownTaskFindsNothing() {
        assertThat(queue.cancel(task(SIMPLE, "never submitted", null, clock).id())).isEmpty();
    }

    @Test
    void aSecondSubmitWithTheSameIdempotencyKeyReturnsTheFirstTask() {
        Task first = queue.submit(task(SIMPLE, "once", "key-1", clock)).task();

        TaskQueue.Submission again = queue.submit(task(SIMPLE, "once", "key-1", clock));

        assertThat(again.created()).isFalse();
        assertThat(again.task().id()).isEqualTo(first.id());
        assertThat(queue.stats(SIMPLE).depth()).isEqualTo(1);
        assertThat(queue.findByIdempotencyKey(TenantHeaders.ANONYMOUS, "key-1")).contains(first);
    }

    @Test
    void theSameIdempotencyKeyOfTwoTenantsMakesTwoTasksEachFoundByItsOwnTenant() {
        Task acme = queue.submit(task(SIMPLE, "acme's question", "key-1", clock).withTenant("acme")).task();

        TaskQueue.Submission globex = queue.submit(task(SIMPLE, "globex's question", "key-1", clock).withTenant("globex"));
        TaskQueue.Submission acmeAgain = queue.submit(task(SIMPLE, "acme's question", "key-1", clock).withTenant("acme"));

        assertThat(globex.created()).isTrue();
        assertThat(globex.task().id()).isNotEqualTo(acme.id());
        assertThat(acmeAgain.created()).isFalse();
        assertThat(acmeAgain.task().id()).isEqualTo(acme.id());
        assertThat(queue.stats(SIMPLE).depth()).isEqualTo(2);
        assertThat(queue.findByIdempotencyKey("acme", "key-1")).map(Task::query).contains("acme's question");
        assertThat(queue.findByIdempotencyKey("globex", "key-1")).map(Task::query).contains("globex's question");
        assertThat(queue.findByIdempotencyKey(TenantHeaders.ANONYMOUS, "key-1")).isEmpty();
    }

    @Test
    void aTenantsKeyThatLooksLikeAnotherTenantsNameStaysItsOwn() {
        // "acme:k" of the anonymous tenant and "k" of tenant acme must not meet under one name.
        Task anonymous = queue.submit(task(SIMPLE, "anonymous", "acme:k", clock)).task();
        Task acme = queue.submit(task(SIMPLE, "acme", "k", clock).withTenant("acme")).task();

        assertThat(acme.id()).isNotEqualTo(anonymous.id());
        assertThat(queue.findByIdempotencyKey("acme", "k")).map(Task::id).contains(acme.id());
        assertThat(queue.findByIdempotencyKey(TenantHeaders.ANONYMOUS, "acme:k")).map(Task::id).contains(anonymous.id());
    }

    @Test
    void aTaskKeepsItsTenantThroughEveryTransition() {
        Task submitted = queue.submit(task(SIMPLE, "whose", "key-1", clock).withTenant("acme")).task();
        Task running = claim();
        queue.retry(running.id(), running.attempts(), ERROR, clock.instant());
        Task again = claim();
        Task done = queue.succeed(again.id(), again.attempts(), RESULT).orElseThrow();

        assertThat(List.of(submitted, running, again, done)).extracting(Task::tenant).containsOnly("acme");
        assertThat(queue.find(submitted.id())).map(Task::tenant).contains("acme");
    }

    @Test
    void aForgottenTasksKeyIsFreeAgainForItsTenant() {
        queue.submit(task(SIMPLE, "once", "key-1", clock).withTenant("acme"));
        queue.succeed(claim().id(), 1, RESULT);

        clock.advance(RESULT_TTL);
        queue.housekeep();

        assertThat(queue.findByIdempotencyKey("acme", "key-1")).isEmpty();
        assertThat(queue.submit(task(SIMPLE, "once", "key-1", clock).withTenant("acme")).created()).isTrue();
    }

    @Test
    void keepsAFinishedTaskForTheResultTtlThenForgetsItAndItsKey() {
        Task submitted = queue.submit(task(SIMPLE, "once", "key-1", clock)).task();
        queue.succeed(claim().id(), 1, RESULT);

        clock.advance(RESULT_TTL.minusMillis(1));
        assertThat(queue.housekeep()).isZero();
        assertThat(queue.find(submitted.id())).isPresent();

        clock.advance(Duration.ofMillis(1));
        assertThat(queue.housekeep()).isEqualTo(1);
        assertThat(queue.find(submitted.id())).isEmpty();
        assertThat(queue.findByIdempotencyKey(TenantHeaders.ANONYMOUS, "key-1")).isEmpty();
        assertThat(queue.submit(task(SIMPLE, "once", "key-1", clock)).created()).isTrue();
    }

    @Test
    void expiresLazilyOnLookupToo() {
        Task submitted = submit("once");
        queue.succeed(claim().id(), 1, RESULT);

        clock.advance(RESULT_TTL);

        assertThat(queue.find(submitted.id())).isEmpty();
    }

    @Test
    void neverExpiresATaskThatHasNotFinished() {
        Task queued = submit("waiting");
        submit("running");
        clock.advance(RESULT_TTL.multipliedBy(10));
        claim();
        Task running = queue.find(queued.id()).orElseThrow();

        assertThat(queue.housekeep()).isZero();
        assertThat(queue.find(running.id())).isPresent();
    }

    @Test
    void subscribersSeeEveryStatusChangeInOrderButNoHeartbeat() {
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        TaskQueue.Subscription subscription = queue.subscribe(task -> seen.add(task.status()));
        submit("one");
        Task running = claim();
        queue.heartbeat(running.id(), 1);
        queue.retry(running.id(), 1, ERROR, clock.instant());
        claim();
        queue.succeed(running.id(), 2, RESULT);
        subscription.close();
        submit("after close");

        assertThat(seen).containsExactly(TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.QUEUED,
                TaskStatus.RUNNING, TaskStatus.SUCCEEDED);
    }

    @Test
    void heartbeatMovesUpdatedAtOfTheRunningAttempt() {
        submit("long");
        Task running = claim();
        clock.advance(Duration.ofSeconds(5));

        Task alive = queue.heartbeat(running.id(), 1).orElseThrow();

        assertThat(alive.updatedAt()).isEqualTo(clock.instant());
        assertThat(alive.startedAt()).isEqualTo(running.startedAt());
    }

    @Test
    void statsCountEachOutcome() {
        for (String query : List.of("a", "b", "c")) {
            submit(query);
        }
        queue.succeed(claim().id(), 1, RESULT);
        Task flaky = claim();
        queue.retry(flaky.id(), 1, ERROR, clock.instant());
        Task third = claim();
        queue.fail(third.id(), 1, TaskStatus.FAILED, ERROR);
        claim();

        QueueStats stats = queue.stats(SIMPLE);

        assertThat(stats).isEqualTo(new QueueStats(SIMPLE, 0, 0, 1, 1, 1, 1, 0, 0));
    }

    @Test
    void refusesATaskForAnUnknownQueue() {
        assertThatThrownBy(() -> queue.submit(task("gpu-xl", "q", null, clock)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gpu-xl");
    }
}
