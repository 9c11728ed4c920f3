package io.meridian.taskserver.taskapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The token hub between workers and streaming clients: replay, completion, no leftovers. */
class TaskTokensTests {

    private final MutableClock clock = MutableClock.atEpochDay();

    private final TaskQueue queue = TaskQueue.inMemory(TaskFixtures.queues(10), Duration.ofHours(1), clock);

    private final TaskTokens tokens = new TaskTokens(queue);

    @Test
    void replaysTokensEmittedBeforeTheClientSubscribedAndEndsWhenTheTaskSucceeds() {
        Task task = queue.submit(TaskFixtures.task(TaskFixtures.SIMPLE, "q", null, clock)).task();
        Task running = queue.claim(TaskFixtures.SIMPLE).orElseThrow();
        tokens.emit(task.id(), running.attempts(), "Hello");
        tokens.emit(task.id(), running.attempts(), " world");

        StepVerifier.create(tokens.tokens(task.id()))
                .expectNext(new TaskTokens.Token(1, "Hello"), new TaskTokens.Token(1, " world"))
                .then(() -> queue.succeed(task.id(), running.attempts(),
                        new TaskResult("Hello world", "m", "b", TokenUsage.of(1, 2))))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(tokens.held()).isZero();
    }

    @Test
    void forgetsTheTokensOfACancelledTask() {
        Task task = queue.submit(TaskFixtures.task(TaskFixtures.SIMPLE, "q", null, clock)).task();
        Task running = queue.claim(TaskFixtures.SIMPLE).orElseThrow();
        tokens.emit(task.id(), running.attempts(), "partial");
        assertThat(tokens.held()).isEqualTo(1);

        queue.cancel(task.id());

        assertThat(tokens.held()).isZero();
    }
}
