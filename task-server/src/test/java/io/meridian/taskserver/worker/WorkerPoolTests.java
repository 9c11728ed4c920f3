package io.meridian.taskserver.worker;

import static io.meridian.taskserver.testsupport.TaskFixtures.COMPLEX;
import static io.meridian.taskserver.testsupport.TaskFixtures.SIMPLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.testsupport.ScriptedChatBackend;
import io.meridian.taskserver.testsupport.TaskAwait;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker pool against the in-memory queue and a scripted model. Time (back-off, timeouts,
 * heartbeats, scale-down) is a clock the tests move; the tests call {@code dispatch()} where the
 * tick would. Attempts really run on virtual threads, so the tests wait for the queue to report
 * an outcome, with a timeout, never for a fixed time.
 */
class WorkerPoolTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final Duration SCALE_DOWN_DELAY = Duration.ofSeconds(30);

    private final MutableClock clock = MutableClock.atEpochDay();

    private final Queues queues = TaskFixtures.queues(20);

    private final TaskQueue queue = TaskQueue.inMemory(queues, Duration.ofHours(1), clock);

    private final ScriptedChatBackend backend = new ScriptedChatBackend();

    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor();

    private final List<WorkerPool> pools = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        backend.releaseAll();
        pools.forEach(WorkerPool::stop);
        dispatcher.shutdown();
        assertThat(dispatcher.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private WorkerPool pool(QueueSettings settings) {
        WorkerPool pool = new WorkerPool(settings, queue, backend,
                new Autoscaler(settings.minWorkers(), settings.maxWorkers(), SCALE_DOWN_DELAY, clock),
                new RetryBackoff(settings.retryDelay(), settings.maxRetryDelay(), new Random(3)),
                Duration.ofSeconds(5), clock, dispatcher);
        pools.add(pool);
        pool.start();
        return pool;
    }

    private Task submit(String queueName, String query) {
        return queue.submit(TaskFixtures.task(queueName, query, null, clock)).task();
    }

    private Task awaitStatus(TaskId id, TaskStatus status, int attempts) {
        return TaskAwait.await(queue, id, task -> task.status() == status && task.attempts() == attempts, WAIT);
    }

    @Test
    void answersATaskAndRecordsTheResult() {
        WorkerPool pool = pool(queues.simple());
        Task task = submit(SIMPLE, "hello");

        pool.dispatch();

        Task done = awaitStatus(task.id(), TaskStatus.SUCCEEDED, 1);
        assertThat(done.result()).isNotNull();
        assertThat(done.result().answer()).isEqualTo("answer to hello");
        assertThat(pool.stats().queue().completed()).isEqualTo(1);
    }

    @Test
    void retriesAPoisonTaskWithGrowingBackOffThenDeadLettersItWithTheLastError() {
        WorkerPool pool = pool(queues.simple());
        backend.poison("poison");
        Task task = submit(SIMPLE, "poison");

        pool.dispatch();
        Task first = awaitStatus(task.id(), TaskStatus.QUEUED, 1);
        Duration firstDelay = Duration.between(clock.instant(), first.nextAttemptAt());
        assertThat(firstDelay).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(first.lastError().error()).isEqualTo(TaskError.MODEL_ERROR);

        // Not before its time.
        clock.advance(firstDelay.minusMillis(1));
        pool.dispatch();
        assertThat(queue.find(task.id()).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(backend.calls()).hasSize(1);

        clock.advance(Duration.ofMillis(1));
        pool.dispatch();
        Task second = awaitStatus(task.id(), TaskStatus.QUEUED, 2);
        Duration secondDelay = Duration.between(clock.instant(), second.nextAttemptAt());
        assertThat(secondDelay).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));

        clock.advance(secondDelay);
        pool.dispatch();
        Task dead = awaitStatus(task.id(), TaskStatus.DEAD_LETTERED, 3);

        assertThat(dead.lastError()).isEqualTo(new TaskError(TaskError.MODEL_ERROR,
                "model backend 'scripted' failed to answer"));
        assertThat(dead.finishedAt()).isEqualTo(clock.instant());
        assertThat(backend.calls()).containsExactly("poison", "poison", "poison");
        assertThat(pool.stats().queue().retried()).isEqualTo(2);
        assertThat(pool.stats().queue().deadLettered()).isEqualTo(1);
    }

    @Test
    void succeedsOnALaterAttemptAfterATransientFailure() {
        WorkerPool pool = pool(queues.simple());
        backend.failNext(1);
        Task task = submit(SIMPLE, "flaky");

        pool.dispatch();
        Task retrying = awaitStatus(task.id(), TaskStatus.QUEUED, 1);
        clock.advance(Duration.between(clock.instant(), retrying.nextAttemptAt()));
        pool.dispatch();

        Task done = awaitStatus(task.id(), TaskStatus.SUCCEEDED, 2);
        assertThat(done.lastError()).isNotNull();
        assertThat(done.result().answer()).isEqualTo("answer to flaky");
    }

    @Test
    void cancellingARunningTaskStopsItsModelCallAndDiscardsTheAnswer() {
        WorkerPool pool = pool(queues.simple());
        backend.hold(true);
        Task task = submit(SIMPLE, "slow");
        pool.dispatch();
        awaitStatus(task.id(), TaskStatus.RUNNING, 1);
        backend.awaitCalls(1, WAIT);

        assertThat(queue.cancel(task.id()).orElseThrow().cancelled()).isTrue();

        backend.awaitCancelledCalls(1, WAIT);
        backend.releaseAll();
        assertThat(queue.find(task.id()).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(pool.stats().queue().cancelled()).isEqualTo(1);
        assertThat(pool.stats().queue().running()).isZero();
    }

    @Test
    void aTaskCancelledWhileQueuedNeverRuns() {
        WorkerPool pool = pool(queues.complex());
        backend.hold(true);
        Task first = submit(COMPLEX, "one");
        Task second = submit(COMPLEX, "two");
        Task third = submit(COMPLEX, "three");
        pool.dispatch();
        backend.awaitCalls(2, WAIT);
        assertThat(queue.find(third.id()).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);

        queue.cancel(third.id());
        backend.releaseAll();
        awaitStatus(first.id(), TaskStatus.SUCCEEDED, 1);
        awaitStatus(second.id(), TaskStatus.SUCCEEDED, 1);
        pool.dispatch();

        assertThat(backend.calls()).containsExactlyInAnyOrder("one", "two");
        assertThat(queue.find(third.id()).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void stopsAnAttemptThatRunsPastTheTaskTimeoutAndRetriesIt() {
        WorkerPool pool = pool(queues.simple());
        backend.hold(true);
        Task task = submit(SIMPLE, "stuck");
        pool.dispatch();
        backend.awaitCalls(1, WAIT);

        clock.advance(queues.simple().taskTimeout().minusMillis(1));
        pool.dispatch();
        assertThat(backend.cancelledCalls()).isZero();
        clock.advance(Duration.ofMillis(1));
        pool.dispatch();

        Task retrying = awaitStatus(task.id(), TaskStatus.QUEUED, 1);
        backend.awaitCancelledCalls(1, WAIT);
        assertThat(retrying.lastError()).isEqualTo(new TaskError(TaskError.MODEL_TIMEOUT,
                "model backend 'scripted' did not answer within 10000 ms"));
    }

    @Test
    void heartbeatsMoveTheUpdatedTimeOfARunningTask() {
        WorkerPool pool = pool(queues.simple());
        backend.hold(true);
        Task task = submit(SIMPLE, "long");
        pool.dispatch();
        backend.awaitCalls(1, WAIT);

        clock.advance(Duration.ofSeconds(5));
        pool.dispatch();

        Task running = queue.find(task.id()).orElseThrow();
        assertThat(running.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(running.updatedAt()).isEqualTo(clock.instant());
    }

    @Test
    void theSimplePoolGrowsWithTheBacklogToItsMaximumAndShrinksBackWhenItDrains() throws InterruptedException {
        WorkerPool pool = pool(queues.simple());
        assertThat(pool.stats().currentWorkers()).isEqualTo(2);
        backend.hold(true);
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(submit(SIMPLE, "q" + i));
        }

        pool.dispatch();

        assertThat(pool.stats().currentWorkers()).isEqualTo(8);
        assertThat(pool.stats().queue().running()).isEqualTo(8);
        assertThat(pool.stats().queue().depth()).isEqualTo(2);

        backend.releaseAll();
        tasks.forEach(task -> awaitStatus(task.id(), TaskStatus.SUCCEEDED, 1));
        assertThat(pool.awaitIdle(System.nanoTime() + WAIT.toNanos())).isTrue();
        pool.dispatch();
        clock.advance(SCALE_DOWN_DELAY.minusMillis(1));
        pool.dispatch();
        assertThat(pool.stats().currentWorkers()).isEqualTo(8);

        clock.advance(Duration.ofMillis(1));
        pool.dispatch();
        // Attempts that were ending while the backlog drained may have kept the peak of that window
        // above the minimum; the next window, with no work at all, takes the pool down to it.
        pool.dispatch();
        clock.advance(SCALE_DOWN_DELAY);
        pool.dispatch();
        assertThat(pool.stats().currentWorkers()).isEqualTo(2);
    }

    @Test
    void theComplexPoolRunsAFixedNumberOfTasksWhateverTheBacklog() {
        WorkerPool pool = pool(queues.complex());
        backend.hold(true);
        for (int i = 0; i < 6; i++) {
            submit(COMPLEX, "big" + i);
        }

        pool.dispatch();
        backend.awaitCalls(2, WAIT);

        assertThat(pool.stats().currentWorkers()).isEqualTo(2);
        assertThat(pool.stats().queue().running()).isEqualTo(2);
        assertThat(pool.stats().queue().depth()).isEqualTo(4);
    }

    @Test
    void takesTheNextTaskWhenAnAttemptEndsWithoutWaitingForATick() {
        WorkerPool pool = pool(queues.complex());
        Task[] tasks = new Task[5];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = submit(COMPLEX, "q" + i);
        }

        pool.dispatch();

        for (Task task : tasks) {
            awaitStatus(task.id(), TaskStatus.SUCCEEDED, 1);
        }
    }
}
