package io.meridian.taskserver.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.queue.QueueClassifier;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import io.meridian.testing.MutableClock;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.test.StepVerifier;

/**
 * A task server whose in-memory store started anew (the process restarted) tells the tasks it lost
 * from tasks that never existed: the ids of the earlier store name its epoch.
 */
class LostTasksTests {

    private static final TaskRequest HELLO = new TaskRequest("hello", null, null);

    private final MutableClock clock = MutableClock.atEpochDay();

    private final Queues queues = TaskFixtures.queues(100);

    private TaskService serviceOver(TaskQueue queue) {
        return new TaskService(queue, new QueueClassifier(queues, 100),
                new LoadTracker(new TaskServerProperties(TestRegion.ID, 32000, DataSize.ofMegabytes(1), 256, 32, 256,
                        32768)), TestRegion.ID, clock, new Random(1), queues, null);
    }

    private TaskQueue freshStore() {
        return TaskQueue.inMemory(queues, Duration.ofHours(1), clock);
    }

    @Test
    void newIdsNameTheEpochOfTheStoreThatHoldsThem() {
        TaskQueue store = freshStore();
        Task task = serviceOver(store).submit(HELLO, null).task();

        assertThat(task.id().epoch()).contains(store.epoch().id());
        assertThat(task.id().token()).matches(TaskId.TOKEN_PATTERN).hasSize(33).endsWith("_" + store.epoch().id());
    }

    @Test
    void aTaskOfTheStoreBeforeARestartIsLostWith410NotUnknown() {
        TaskId before = serviceOver(freshStore()).submit(HELLO, null).task().id();
        clock.advance(Duration.ofMinutes(5));
        TaskQueue restarted = freshStore();
        TaskService tasks = serviceOver(restarted);

        assertThatThrownBy(() -> tasks.get(before.toString(), TaskScope.all()))
                .isInstanceOfSatisfying(TaskLostException.class, lost -> {
                    assertThat(lost.status()).isEqualTo(410);
                    assertThat(lost.code()).isEqualTo(ApiError.TASK_LOST).isEqualTo("task_lost");
                    assertThat(lost.getMessage())
                            .contains("task " + before + " was lost")
                            .contains("started its task store anew at " + restarted.epoch().startedAt())
                            .contains("the task server restarted")
                            .contains("submitting it again runs it again");
                });
        assertThatThrownBy(() -> tasks.cancel(before.toString(), TaskScope.all())).isInstanceOf(TaskLostException.class);
        StepVerifier.create(tasks.events(before.toString(), TaskScope.all()))
                .expectError(TaskLostException.class)
                .verify(Duration.ofSeconds(30));
        StepVerifier.create(tasks.await(before, Duration.ofSeconds(30)))
                .expectError(TaskLostException.class)
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void anUnknownIdOfTheCurrentEpochOrWithoutOneIsStillNotFound() {
        TaskQueue store = freshStore();
        TaskService tasks = serviceOver(store);
        String sameEpoch = TestRegion.ID + ".01JDQ3W5ZK8Y4T6V0A7M2N9PQR_" + store.epoch().id();
        String noEpoch = TestRegion.ID + ".01JDQ3W5ZK8Y4T6V0A7M2N9PQR";

        for (String id : new String[] {sameEpoch, noEpoch}) {
            assertThatThrownBy(() -> tasks.get(id, TaskScope.all()))
                    .isInstanceOfSatisfying(TaskNotFoundException.class, missing -> {
                        assertThat(missing.status()).isEqualTo(404);
                        assertThat(missing.getMessage()).contains("it never existed or its result has expired");
                    });
        }
    }

    @Test
    void aKeyResentAfterARestartMakesATaskOfTheNewEpochSoTheLossIsVisibleInItsId() {
        TaskId before = serviceOver(freshStore()).submit(HELLO, "order-7").task().id();
        TaskQueue restarted = freshStore();

        TaskQueue.Submission again = serviceOver(restarted).submit(HELLO, "order-7");

        assertThat(again.created()).isTrue();
        assertThat(again.task().id().epoch()).contains(restarted.epoch().id()).isNotEqualTo(before.epoch());
        assertThat(restarted.epoch().lost(before)).isTrue();
    }

    @Test
    void eachInMemoryStoreHasItsOwnEpochReportedAsMemory() {
        TaskQueue first = freshStore();
        TaskQueue second = freshStore();

        assertThat(first.epoch().id()).isNotEqualTo(second.epoch().id());
        assertThat(first.epoch().store()).isEqualTo("memory");
        assertThat(first.epoch().startedAt()).isEqualTo(clock.instant());
    }
}
