package io.meridian.taskserver.queue;

import static io.meridian.taskserver.testsupport.TaskFixtures.SIMPLE;
import static io.meridian.taskserver.testsupport.TaskFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.taskserver.web.TenantHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The queue contract on the embedded, in-memory backend, and what it alone does: keep at most so
 * many finished tasks, forgetting the oldest early.
 */
class InMemoryTaskQueueTests extends TaskQueueContract {

    private static final TaskResult RESULT = new TaskResult("42", "qwen3", "scripted", TokenUsage.of(1, 1));

    @Override
    protected TaskQueue newQueue(Queues queues, Duration resultTtl, Clock clock) {
        return new InMemoryTaskQueue(queues, resultTtl, clock);
    }

    private final InMemoryTaskQueue bounded = new InMemoryTaskQueue(TaskFixtures.queues(100), RESULT_TTL, 2, clock);

    private Task finishOne(String query, @Nullable String key) {
        Task submitted = bounded.submit(task(SIMPLE, query, key, clock)).task();
        Task running = bounded.claim(SIMPLE).orElseThrow();
        bounded.succeed(running.id(), running.attempts(), RESULT);
        clock.advance(Duration.ofSeconds(1));
        return submitted;
    }

    @Test
    void keepsAtMostItsBoundOfFinishedTasksForgettingTheOldestWithItsKey() {
        Task first = finishOne("first", "key-1");
        Task second = finishOne("second", "key-2");
        assertThat(bounded.forgottenEarly()).isZero();

        Task third = finishOne("third", "key-3");

        assertThat(bounded.find(first.id())).isEmpty();
        assertThat(bounded.findByIdempotencyKey(TenantHeaders.ANONYMOUS, "key-1")).isEmpty();
        assertThat(bounded.find(second.id())).map(Task::status).contains(TaskStatus.SUCCEEDED);
        assertThat(bounded.find(third.id())).map(Task::status).contains(TaskStatus.SUCCEEDED);
        assertThat(bounded.forgottenEarly()).isEqualTo(1);
        assertThat(bounded.submit(task(SIMPLE, "first", "key-1", clock)).created())
                .as("the forgotten task's key is free again, as after its TTL").isTrue();
    }

    @Test
    void neverForgetsATaskThatHasNotFinished() {
        List<Task> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(bounded.submit(task(SIMPLE, "waiting " + i, null, clock)).task());
        }
        Task running = bounded.claim(SIMPLE).orElseThrow();
        for (int i = 0; i < 4; i++) {
            Task next = bounded.submit(task(SIMPLE, "finished " + i, null, clock)).task();
            bounded.cancel(next.id());
        }

        assertThat(bounded.find(running.id())).map(Task::status).contains(TaskStatus.RUNNING);
        assertThat(waiting.subList(1, 5)).allSatisfy(task ->
                assertThat(bounded.find(task.id())).map(Task::status).contains(TaskStatus.QUEUED));
        assertThat(bounded.forgottenEarly()).isEqualTo(2);
    }

    @Test
    void aTaskAlreadyForgottenForItsTtlIsNotCountedAsForgottenEarly() {
        Task first = finishOne("first", null);
        finishOne("second", null);
        clock.advance(RESULT_TTL);
        assertThat(bounded.find(first.id())).as("forgotten on lookup, its TTL passed").isEmpty();

        finishOne("third", null);

        assertThat(bounded.forgottenEarly()).isZero();
    }

    @Test
    void refusesToKeepNoFinishedTaskAtAll() {
        assertThatThrownBy(() -> new InMemoryTaskQueue(TaskFixtures.queues(1), RESULT_TTL, 0, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    }
}
