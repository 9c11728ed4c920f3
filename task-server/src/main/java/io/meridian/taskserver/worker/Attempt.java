package io.meridian.taskserver.worker;

import io.meridian.taskserver.task.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One running attempt of a task: what its pool times out, beats and stops. */
final class Attempt {

    final Task task;

    final Instant deadline;

    volatile Instant lastHeartbeat;

    volatile @Nullable Thread thread;

    volatile boolean stopRequested;

    volatile boolean timedOut;

    final Instant started;

    Attempt(Task task, Instant deadline, Instant now) {
        this.task = task;
        this.deadline = deadline;
        this.lastHeartbeat = now;
        this.started = now;
    }

    Duration took(Clock clock) {
        Duration took = Duration.between(started, clock.instant());
        return took.isNegative() ? Duration.ZERO : took;
    }

    /** Flag first, then interrupt: whichever of this and the run comes second sees the other. */
    void stop(boolean timeout) {
        if (timeout) {
            timedOut = true;
        }
        stopRequested = true;
        Thread runner = thread;
        if (runner != null) {
            runner.interrupt();
        }
    }
}
