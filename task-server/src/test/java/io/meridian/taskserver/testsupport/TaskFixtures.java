package io.meridian.taskserver.testsupport;

import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/** Queues and tasks for tests that build the queue and the pools by hand. */
public final class TaskFixtures {

    /** The simple queue's name. */
    public static final String SIMPLE = "simple";

    /** The complex queue's name. */
    public static final String COMPLEX = "complex";

    private static final Random IDS = new Random(7);

    private TaskFixtures() {
    }

    /**
     * Both queues with small bounds, quick retries and a 10 s task timeout.
     *
     * @param maxDepth each queue's bound
     * @return the queues
     */
    public static Queues queues(int maxDepth) {
        return new Queues(
                new QueueSettings(SIMPLE, "qwen3", maxDepth, 2, 8, 3, Duration.ofSeconds(1), Duration.ofSeconds(8),
                        Duration.ofSeconds(10)),
                new QueueSettings(COMPLEX, "qwen3:14b", maxDepth, 2, 2, 3, Duration.ofSeconds(2),
                        Duration.ofSeconds(16), Duration.ofSeconds(10)));
    }

    /**
     * A newly accepted task.
     *
     * @param queue the queue it goes to
     * @param query its query
     * @param key   its idempotency key, or {@code null}
     * @param clock stamps it
     * @return the task, with three attempts allowed
     */
    public static Task task(String queue, String query, @Nullable String key, Clock clock) {
        return Task.accepted(TaskId.next(TestRegion.ID, clock.instant(), IDS), queue, query, "qwen3", 3, key,
                clock.instant());
    }
}
