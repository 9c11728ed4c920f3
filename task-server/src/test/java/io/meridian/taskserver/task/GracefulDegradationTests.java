package io.meridian.taskserver.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.queue.QueueClassifier;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.taskapi.DegradationProperties;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * Graceful degradation: past the complex queue's backlog threshold, complex work runs on the simple
 * queue and model, and says so in its result. No workers run, so the backlog is exactly the tasks
 * submitted.
 */
class GracefulDegradationTests {

    private final MutableClock clock = MutableClock.atEpochDay();

    private final Queues queues = TaskFixtures.queues(100);

    private final TaskQueue queue = TaskQueue.inMemory(queues, Duration.ofHours(1), clock);

    private final Random ids = new Random(1);

    private TaskService service(@Nullable Integer threshold) {
        return new TaskService(queue, new QueueClassifier(queues, 100),
                new LoadTracker(new TaskServerProperties(TestRegion.ID, 32000, DataSize.ofMegabytes(1), 256, 32, 256, 32768)),
                TestRegion.ID, clock, ids, queues, threshold);
    }

    private static TaskRequest complex() {
        return new TaskRequest("a hard question", TaskFixtures.COMPLEX, null);
    }

    @Test
    void runsComplexTasksOnTheSimpleQueueOnceTheBacklogPassesTheThreshold() {
        TaskService tasks = service(2);

        Task first = tasks.submit(complex(), null).task();
        Task second = tasks.submit(complex(), null).task();
        Task third = tasks.submit(complex(), null).task();
        Task fourth = tasks.submit(complex(), null).task();

        assertThat(first.queue()).isEqualTo(TaskFixtures.COMPLEX);
        assertThat(second.queue()).isEqualTo(TaskFixtures.COMPLEX);
        assertThat(third.queue()).isEqualTo(TaskFixtures.COMPLEX);
        assertThat(third.degraded()).isFalse();
        assertThat(fourth.queue()).isEqualTo(TaskFixtures.SIMPLE);
        assertThat(fourth.model()).isEqualTo(queues.simple().model());
        assertThat(fourth.requestedModel()).isEqualTo(queues.complex().model());
    }

    @Test
    void saysInTheResultThatASmallerModelAnswered() {
        TaskService tasks = service(0);
        tasks.submit(complex(), null);
        Task degraded = tasks.submit(complex(), null).task();

        Task running = queue.claim(TaskFixtures.SIMPLE).orElseThrow();
        queue.succeed(running.id(), running.attempts(),
                new TaskResult("quick answer", "qwen3", "scripted", TokenUsage.of(3, 2)));

        TaskResult result = queue.find(degraded.id()).orElseThrow().result();
        assertThat(result).isNotNull();
        assertThat(result.degraded()).isTrue();
        assertThat(result.requestedModel()).isEqualTo("qwen3:14b");
        assertThat(result.model()).isEqualTo("qwen3");
    }

    @Test
    void leavesSimpleWorkAndEverythingWithoutAThresholdAlone() {
        TaskService off = service(null);
        for (int i = 0; i < 5; i++) {
            assertThat(off.submit(complex(), null).task().queue()).isEqualTo(TaskFixtures.COMPLEX);
        }
        TaskService on = service(0);
        Task simple = on.submit(new TaskRequest("easy", TaskFixtures.SIMPLE, null), null).task();

        assertThat(simple.degraded()).isFalse();
        assertThat(on.submit(complex(), null).task().degraded()).isTrue();
    }

    @Test
    void isOnByDefaultPastABacklogOfTwentyComplexTasksAndCanBeTurnedOff() {
        assertThat(degradation(Map.of()).threshold()).isEqualTo(20);
        assertThat(degradation(Map.of("meridian.degradation.complex-backlog-threshold", "5")).threshold()).isEqualTo(5);
        assertThat(degradation(Map.of("meridian.degradation.enabled", "false")).threshold()).isNull();
    }

    private static DegradationProperties degradation(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate(DegradationProperties.PREFIX, DegradationProperties.class);
    }
}
