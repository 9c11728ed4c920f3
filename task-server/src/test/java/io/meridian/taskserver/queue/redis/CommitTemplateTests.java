package io.meridian.taskserver.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.queue.redis.CommitTemplate.Decision;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.testing.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The one compare-and-set loop: a commit that finds the task changed by another writer reads and
 * decides again, a bounded number of times. The store here is a variable; the committer fails
 * when the version read is no longer the stored one, as the transition script does.
 */
class CommitTemplateTests {

    private final MutableClock clock = MutableClock.atEpochDay();

    private final RedisKeys keys = new RedisKeys("meridian:{us-east}");

    /** The task as stored, with its version. */
    private final AtomicReference<StoredTask> stored = new AtomicReference<>();

    private final List<StoredTask> committed = new ArrayList<>();

    private final AtomicInteger commits = new AtomicInteger();

    /** Runs before each commit: another writer, when a test wants one. */
    private Runnable concurrentWriter = () -> { };

    private CommitTemplate template(int maxRaces) {
        return new CommitTemplate(maxRaces, (before, after, transition) -> {
            commits.incrementAndGet();
            concurrentWriter.run();
            if (!stored.get().version().equals(before.version())) {
                return false;
            }
            stored.set(new StoredTask(after, Long.toString(after.version()), before.entry()));
            return true;
        }, (before, after, transition) -> committed.add(before));
    }

    private StoredTask store(Task task) {
        StoredTask held = new StoredTask(task, Long.toString(task.version()), "1-0");
        stored.set(held);
        return held;
    }

    private Decision<Task> start(StoredTask before) {
        if (before.task().status() != TaskStatus.QUEUED) {
            return Decision.answer(null);
        }
        Task running = before.task().started(clock.instant());
        return Decision.commit(running, new Transition(keys.task(running.id()), "{}"), running);
    }

    @Test
    void commitsOnceWhenNobodyElseWrites() {
        Task queued = store(TaskFixtures.task(TaskFixtures.SIMPLE, "q", null, clock)).task();

        Optional<Task> started = template(5).update(queued.id(), race -> stored.get(), this::start);

        assertThat(started).map(Task::status).contains(TaskStatus.RUNNING);
        assertThat(stored.get().task().status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(commits).hasValue(1);
        assertThat(committed).hasSize(1);
    }

    @Test
    void aConcurrentWriterMakesItReadAndDecideAgainFromWhatThatWriterLeft() {
        Task queued = store(TaskFixtures.task(TaskFixtures.SIMPLE, "q", null, clock)).task();
        List<Integer> races = new ArrayList<>();
        // Between our read and our commit, another replica cancels the task.
        concurrentWriter = () -> {
            if (stored.get().task().status() == TaskStatus.QUEUED) {
                store(stored.get().task().ended(TaskStatus.CANCELLED, null, clock.instant()));
            }
        };

        Optional<Task> started = template(5).update(queued.id(), race -> {
            races.add(race);
            return stored.get();
        }, this::start);

        assertThat(started).as("decided again: a cancelled task is not started").isEmpty();
        assertThat(races).containsExactly(0, 1);
        assertThat(commits).hasValue(1);
        assertThat(committed).isEmpty();
        assertThat(stored.get().task().status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void aConflictThatClearsIsRetriedUntilTheCommitHolds() {
        Task queued = store(TaskFixtures.task(TaskFixtures.SIMPLE, "q", null, clock)).task();
        AtomicInteger interruptions = new AtomicInteger(2);
        // Twice another writer changes the task (a heartbeat, say) between the read and the commit.
        concurrentWriter = () -> {
            if (interruptions.getAndDecrement() > 0) {
                StoredTask now = stored.get();
                stored.set(new StoredTask(now.task(), now.version() + "'", now.entry()));
            }
        };

        Optional<Task> started = template(5).update(queued.id(), race -> stored.get(), this::start);

        assertThat(started).map(Task::status).contains(TaskStatus.RUNNING);
        assertThat(commits).hasValue(3);
        assertThat(committed).hasSize(1);
    }

    @Test
    void givesUpAfterItsRacesAreUsedUpNamingTheTask() {
        Task queued = store(TaskFixtures.task(TaskFixtures.SIMPLE, "q", null, clock)).task();
        concurrentWriter = () -> {
            StoredTask now = stored.get();
            stored.set(new StoredTask(now.task(), now.version() + "'", now.entry()));
        };
        AtomicInteger reads = new AtomicInteger();

        assertThatThrownBy(() -> template(7).update(queued.id(), race -> {
            reads.incrementAndGet();
            return stored.get();
        }, this::start))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("task " + queued.id() + " changed 7 times while being updated");
        assertThat(reads).hasValue(7);
        assertThat(commits).hasValue(7);
        assertThat(committed).isEmpty();
    }

    @Test
    void anAnswerWritesNothingAndAGoneTaskAnswersNothing() {
        Task queued = store(TaskFixtures.task(TaskFixtures.SIMPLE, "q", null, clock)).task();

        Optional<String> answered = template(5).update(queued.id(), race -> stored.get(),
                before -> Decision.answer("as it was"));
        Optional<Task> gone = template(5).update(queued.id(), race -> null, this::start);

        assertThat(answered).contains("as it was");
        assertThat(gone).isEmpty();
        assertThat(commits).hasValue(0);
    }

    @Test
    void refusesABoundBelowOneRace() {
        assertThatThrownBy(() -> template(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRaces was 0");
    }
}
