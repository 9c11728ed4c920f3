package io.meridian.taskserver.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.queue.redis.RedisKeys.QueueKeys;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transition builder writes exactly the steps the transition script reads. */
class TransitionTests {

    private final MutableClock clock = MutableClock.atEpochDay();

    private final RedisKeys keys = new RedisKeys("meridian:{us-east}");

    private final QueueKeys simple = keys.queue(TaskFixtures.SIMPLE);

    private final Task task = TaskFixtures.task(TaskFixtures.SIMPLE, "q", null, clock);

    @Test
    void namesEachKeyOnceWithTheTasksHashFirstAndStepsByItsIndex() {
        Transition transition = new Transition(keys.task(task.id()), "{doc}")
                .acknowledge(simple, "1-0")
                .count(simple, Counter.RUNNING, -1)
                .count(simple, Counter.COMPLETED, 1)
                .expire(keys.task(task.id()), Duration.ofMinutes(10));

        assertThat(transition.keys()).containsExactly(keys.task(task.id()), simple.stream(), simple.stats());
        assertThat(transition.steps()).containsExactly(
                "ack", "2", RedisKeys.GROUP, "1-0", "",
                "incr", "3", "running", "-1", "",
                "incr", "3", "completed", "1", "",
                "ttl", "1", "600000", "", "");
    }

    @Test
    void countsUnderTheFieldNamesTheStatsAreReadBy() {
        Transition transition = new Transition(keys.task(task.id()), "{doc}");
        for (Counter counter : Counter.values()) {
            transition.count(simple, counter, 1);
        }

        assertThat(transition.steps()).filteredOn(step -> List.of(Counter.values()).stream()
                .anyMatch(counter -> counter.field().equals(step)))
                .containsExactly("queued", "running", "completed", "failed", "retried", "deadLettered", "cancelled");
    }

    @Test
    void schedulesAndFinishesByEpochMillisecondsAndNeverExpiresInstantly() {
        Instant at = Instant.parse("2026-01-01T00:00:01.250Z");
        TaskId id = task.id();
        Transition transition = new Transition(keys.task(id), "{doc}")
                .scheduleRetry(simple, id, at)
                .index(keys.finished(), id, at)
                .unscheduleRetry(simple, id)
                .expire(keys.task(id), Duration.ZERO);

        assertThat(transition.steps()).containsExactly(
                "zadd", "2", Long.toString(at.toEpochMilli()), id.toString(), "",
                "zadd", "3", Long.toString(at.toEpochMilli()), id.toString(), "",
                "zrem", "2", id.toString(), "", "",
                "ttl", "1", "1", "", "");
    }

    @Test
    void anAnnouncementIsAStepOnTheTasksKeyAndMarksTheTransitionAnnounced() {
        Transition quiet = new Transition(keys.task(task.id()), "{doc}").own(simple, "replica-a", "1-0");
        Transition announced = new Transition(keys.task(task.id()), "{doc}").publish(keys.events(), "replica-a\n{doc}");

        assertThat(quiet.announces()).isFalse();
        assertThat(quiet.steps()).containsExactly("own", "2", RedisKeys.GROUP, "replica-a", "1-0");
        assertThat(announced.announces()).isTrue();
        assertThat(announced.keys()).containsExactly(keys.task(task.id()));
        assertThat(announced.steps()).containsExactly("publish", "1", keys.events(), "replica-a\n{doc}", "");
    }

    @Test
    void argumentsAreTheVersionReadTheNewVersionTheDocumentThenTheSteps() {
        Task running = task.started(clock.instant());
        Transition transition = new Transition(keys.task(task.id()), "{doc}")
                .deadLetter(simple, task.id(), "{doc}")
                .pushCapped(keys.failures(), "{doc}", 200);

        assertThat(transition.arguments("1", running)).containsExactly("1", Long.toString(running.version()), "{doc}",
                "dead", "2", task.id().toString(), "{doc}", "",
                "failure", "3", "{doc}", "200", "");
        assertThat(transition.keys()).containsExactly(keys.task(task.id()), simple.deadLetters(), keys.failures());
    }
}
