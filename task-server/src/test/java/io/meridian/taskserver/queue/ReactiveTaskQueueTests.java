package io.meridian.taskserver.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The reactive façade runs the backend's calls where they may block, and only there. */
class ReactiveTaskQueueTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final MutableClock clock = MutableClock.atEpochDay();

    private final TaskQueue backend = TaskQueue.inMemory(TaskFixtures.queues(10), Duration.ofHours(1), clock);

    private final Scheduler offload = Schedulers.newSingle("offload");

    @AfterEach
    void dispose() {
        offload.dispose();
    }

    @Test
    void callsABackendThatDoesNotBlockOnTheSubscribingThread() {
        ReactiveTaskQueue queue = ReactiveTaskQueue.over(backend);
        AtomicReference<String> thread = new AtomicReference<>();

        String answer = queue.call(() -> {
            thread.set(Thread.currentThread().getName());
            return "done";
        }).block(WAIT);

        assertThat(answer).isEqualTo("done");
        assertThat(thread.get()).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void callsABackendThatMayBlockOnItsOffloadScheduler() {
        ReactiveTaskQueue queue = ReactiveTaskQueue.over(backend, offload);
        Task task = TaskFixtures.task(TaskFixtures.SIMPLE, "hello", null, clock);
        AtomicReference<String> thread = new AtomicReference<>();

        StepVerifier.create(queue.submit(task)
                        .then(queue.find(task.id()))
                        .doOnNext(found -> thread.set(Thread.currentThread().getName())))
                .assertNext(found -> assertThat(found.id()).isEqualTo(task.id()))
                .expectComplete()
                .verify(WAIT);
        assertThat(thread.get()).startsWith("offload");
    }

    @Test
    void answersAnUnknownTaskAndAnUnknownCancellationEmpty() {
        ReactiveTaskQueue queue = ReactiveTaskQueue.over(backend, offload);
        Task never = TaskFixtures.task(TaskFixtures.SIMPLE, "never submitted", null, clock);

        StepVerifier.create(queue.find(never.id())).expectComplete().verify(WAIT);
        StepVerifier.create(queue.cancel(never.id())).expectComplete().verify(WAIT);
    }

    @Test
    void passesTheBackendsRefusalOnAsTheError() {
        ReactiveTaskQueue queue = ReactiveTaskQueue.over(
                TaskQueue.inMemory(TaskFixtures.queues(1), Duration.ofHours(1), clock), offload);
        queue.submit(TaskFixtures.task(TaskFixtures.SIMPLE, "first", null, clock)).block(WAIT);

        StepVerifier.create(queue.submit(TaskFixtures.task(TaskFixtures.SIMPLE, "second", null, clock)))
                .expectError(QueueFullException.class)
                .verify(WAIT);
    }

    @Test
    void recordsAPauseForTheBackend() {
        ReactiveTaskQueue queue = ReactiveTaskQueue.over(backend, offload);

        StepVerifier.create(queue.setPaused(TaskFixtures.SIMPLE, true).then(queue.pausedQueues()))
                .assertNext(paused -> assertThat(paused).containsExactly(TaskFixtures.SIMPLE))
                .expectComplete()
                .verify(WAIT);
        assertThat(backend.pausedQueues()).containsExactly(TaskFixtures.SIMPLE);
    }
}
