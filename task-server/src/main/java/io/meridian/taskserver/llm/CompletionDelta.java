package io.meridian.taskserver.llm;

import org.jspecify.annotations.Nullable;

/**
 * One step of a streamed answer.
 *
 * @param text       the next piece of the answer as the model produced it (may be empty)
 * @param completion on the last step only, the whole answer with its model and token usage;
 *                   {@code null} before
 */
public record CompletionDelta(String text, @Nullable Completion completion) {

    /**
     * A piece of text, more to come.
     *
     * @param text the piece
     * @return the step
     */
    public static CompletionDelta token(String text) {
        return new CompletionDelta(text, null);
    }

    /**
     * The last step.
     *
     * @param text       the last piece of text (may be empty)
     * @param completion the whole answer
     * @return the step
     */
    public static CompletionDelta last(String text, Completion completion) {
        return new CompletionDelta(text, completion);
    }
}
