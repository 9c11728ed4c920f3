package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.TaskQueue;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Graceful degradation, unless {@code meridian.degradation.enabled} is false: a task classified
 * complex while more than {@code meridian.degradation.complex-backlog-threshold} (20) tasks wait on
 * the complex queue goes to the simple queue with the simple queue's model instead, and its result
 * says {@code degraded} with the model it asked for.
 *
 * <p>A quick smaller answer beats a timeout behind a long GPU backlog; the client can tell, and
 * resubmit with an explicit kind once the backlog has drained (an explicit {@code kind} degrades
 * too: the policy exists for when the GPUs cannot keep up). Deciding reads the complex queue's
 * depth from the backend, so it blocks like the backend does.
 */
final class Degradation {

    private final @Nullable Queues queues;

    private final @Nullable Integer complexBacklogThreshold;

    /**
     * @param queues                  the region's queues, or {@code null} for never
     * @param complexBacklogThreshold the complex queue's backlog beyond which complex tasks run on
     *                                the simple queue, or {@code null} for never
     */
    Degradation(@Nullable Queues queues, @Nullable Integer complexBacklogThreshold) {
        this.queues = queues;
        this.complexBacklogThreshold = queues != null ? complexBacklogThreshold : null;
    }

    /**
     * The queue a task classified for {@code target} runs on instead, if any.
     *
     * @param target the queue the classifier chose
     * @param queue  the backend, whose depth of {@code target} decides
     * @return the simple queue if the task degrades, else empty
     */
    Optional<QueueSettings> instead(QueueSettings target, TaskQueue queue) {
        Integer threshold = complexBacklogThreshold;
        Queues all = queues;
        if (threshold != null && all != null && target.name().equals(all.complex().name())
                && queue.stats(target.name()).depth() > threshold) {
            return Optional.of(all.simple());
        }
        return Optional.empty();
    }
}
