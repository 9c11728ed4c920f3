package io.meridian.taskserver.queue;

import org.jspecify.annotations.Nullable;

/**
 * Picks the queue for a request. The rule, first match wins:
 * <ol>
 *   <li>a {@code kind} in the request names the queue ({@code simple} or {@code complex}, or
 *       whatever names they are configured with);
 *   <li>a requested {@code model} that is the complex queue's model ({@code qwen3:14b}) sends the
 *       task to the complex queue, and one that is the simple queue's model ({@code qwen3}) to
 *       the simple queue: a model is only loaded where its queue's workers run;
 *   <li>a query of at least {@code meridian.tasks.complex-query-length} characters (Unicode code
 *       points, default 2000) goes to the complex queue: a long prompt needs the larger model's
 *       context and the GPU's speed;
 *   <li>everything else goes to the simple queue.
 * </ol>
 * A request that names another model without a kind runs on the queue its length picks, with that
 * model. The rule reads only the request, never the queues' load, so the same request always
 * lands on the same queue.
 */
public final class QueueClassifier {

    private final Queues queues;

    private final int complexQueryLength;

    /**
     * Creates the classifier.
     *
     * @param queues             the region's queues
     * @param complexQueryLength the query length, in characters, from which a task is complex
     */
    public QueueClassifier(Queues queues, int complexQueryLength) {
        this.queues = queues;
        this.complexQueryLength = complexQueryLength;
    }

    /**
     * Picks a queue.
     *
     * @param query the user's text
     * @param kind  the queue the client asked for, already checked to be one of the queues' names,
     *              or {@code null}
     * @param model the model the client asked for, or {@code null}
     * @return the queue
     * @throws IllegalArgumentException if {@code kind} names no queue
     */
    public QueueSettings classify(String query, @Nullable String kind, @Nullable String model) {
        if (kind != null) {
            return queues.named(kind).orElseThrow(() -> new IllegalArgumentException(
                    "no queue named '" + kind + "'"));
        }
        if (model != null && model.equals(queues.complex().model())) {
            return queues.complex();
        }
        if (model != null && model.equals(queues.simple().model())) {
            return queues.simple();
        }
        if (query.codePointCount(0, query.length()) >= complexQueryLength) {
            return queues.complex();
        }
        return queues.simple();
    }
}
