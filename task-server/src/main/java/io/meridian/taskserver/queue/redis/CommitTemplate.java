package io.meridian.taskserver.queue.redis;

import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The one compare-and-set loop of the backend: read the task, decide its next state from what was
 * read, commit that only if the task is still as read, and read again if it was not.
 *
 * <p>Design note. Transitions stay in {@link Task}: a replica reads the task hash, computes the
 * next task, and commits it with one script that checks the version it read and performs the
 * transition's side effects in the same atomic step (see {@link Transition}). Nothing is locked,
 * so a replica that stalls holds nobody up; the price is that a commit can lose a race (another
 * replica cancelled the task, a heartbeat landed first) and is then decided again from a fresh
 * read, which may now decide differently (nothing to do, say, because the attempt was cancelled).
 * Races are short and rare, so a task that changes {@value #MAX_RACES} times while one update is
 * decided means something is wrong; the update then fails instead of spinning.
 */
final class CommitTemplate {

    /** How many lost races an update tolerates before it gives up. */
    static final int MAX_RACES = 100;

    /** Commits a decided change: {@code true} if the task was still as read and is now {@code after}. */
    @FunctionalInterface
    interface Committer {
        boolean commit(StoredTask before, Task after, Transition transition);
    }

    /** What follows every successful commit, whichever update made it. */
    @FunctionalInterface
    interface Committed {
        void committed(StoredTask before, Task after, Transition transition);
    }

    private final int maxRaces;

    private final Committer committer;

    private final Committed committed;

    CommitTemplate(Committer committer, Committed committed) {
        this(MAX_RACES, committer, committed);
    }

    CommitTemplate(int maxRaces, Committer committer, Committed committed) {
        if (maxRaces < 1) {
            throw new IllegalArgumentException("an update needs at least one race, but maxRaces was " + maxRaces);
        }
        this.maxRaces = maxRaces;
        this.committer = committer;
        this.committed = committed;
    }

    /**
     * Reads, decides and commits until a commit holds, the decision needs no commit, or the task is
     * gone.
     *
     * @param id     the task, for the error when the races never end
     * @param read   reads the task for the given race (0 first; a first read may trust what this
     *               replica committed last), {@code null} if there is nothing to update
     * @param decide the change to make to what was read
     * @param <R>    what the update answers
     * @return the decision's result, empty if the task was gone or the decision had none
     * @throws IllegalStateException if every race was lost
     */
    <R> Optional<R> update(TaskId id, IntFunction<@Nullable StoredTask> read,
            Function<StoredTask, Decision<R>> decide) {
        for (int race = 0; race < maxRaces; race++) {
            StoredTask before = read.apply(race);
            if (before == null) {
                return Optional.empty();
            }
            switch (decide.apply(before)) {
                case Decision.Answer<R> answer -> {
                    return Optional.ofNullable(answer.result());
                }
                case Decision.Commit<R> commit -> {
                    if (committer.commit(before, commit.after(), commit.transition())) {
                        committed.committed(before, commit.after(), commit.transition());
                        commit.then().run();
                        return Optional.ofNullable(commit.result());
                    }
                }
            }
        }
        throw contended(id, maxRaces);
    }

    /** The failure of an update whose every race was lost. */
    static IllegalStateException contended(TaskId id, int races) {
        return new IllegalStateException("task " + id + " changed " + races + " times while being updated");
    }

    /**
     * What an update makes of the task it read.
     *
     * @param <R> what the update answers
     */
    sealed interface Decision<R> {

        /** Commit {@code after} with its side effects; on success answer {@code result}. */
        static <R> Decision<R> commit(Task after, Transition transition, @Nullable R result) {
            return new Commit<>(after, transition, result, () -> { });
        }

        /** Commit, and on success run {@code then} (a log line, say) before answering. */
        static <R> Decision<R> commit(Task after, Transition transition, @Nullable R result, Runnable then) {
            return new Commit<>(after, transition, result, then);
        }

        /** Write nothing and answer {@code result} ({@code null}: nothing). */
        static <R> Decision<R> answer(@Nullable R result) {
            return new Answer<>(result);
        }

        /**
         * A commit.
         *
         * @param after      the task's next state
         * @param transition its document and side effects
         * @param result     the answer once committed, or {@code null} for none
         * @param then       what runs once committed
         * @param <R>        what the update answers
         */
        record Commit<R>(Task after, Transition transition, @Nullable R result, Runnable then) implements Decision<R> {
        }

        /**
         * No commit.
         *
         * @param result the answer, or {@code null} for none
         * @param <R>    what the update answers
         */
        record Answer<R>(@Nullable R result) implements Decision<R> {
        }
    }
}
