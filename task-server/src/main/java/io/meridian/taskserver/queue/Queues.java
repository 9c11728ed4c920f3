package io.meridian.taskserver.queue;

import java.util.List;
import java.util.Optional;

/**
 * The region's two queues: {@code simple} (CPU, small model) and {@code complex} (GPU, large
 * model), under whatever names they are configured with.
 *
 * @param simple  the queue for short, everyday work
 * @param complex the queue for long or large-model work
 */
public record Queues(QueueSettings simple, QueueSettings complex) {

    /**
     * Checks that the names differ.
     *
     * @throws IllegalArgumentException if both queues have the same name
     */
    public Queues {
        if (simple.name().equals(complex.name())) {
            throw new IllegalArgumentException(QueuesProperties.PREFIX + ".simple.name and " + QueuesProperties.PREFIX
                    + ".complex.name must differ, but both were '" + simple.name() + "'");
        }
    }

    /**
     * Both queues.
     *
     * @return simple first, then complex
     */
    public List<QueueSettings> all() {
        return List.of(simple, complex);
    }

    /**
     * A queue by its name.
     *
     * @param name a queue name, as a client sends it in {@code kind}
     * @return the queue, or empty if there is none by that name
     */
    public Optional<QueueSettings> named(String name) {
        return all().stream().filter(queue -> queue.name().equals(name)).findFirst();
    }
}
