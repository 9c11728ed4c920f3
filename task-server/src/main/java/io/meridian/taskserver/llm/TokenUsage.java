package io.meridian.taskserver.llm;

/**
 * Tokens spent on one completion.
 *
 * @param promptTokens     tokens in the prompt
 * @param completionTokens tokens in the answer
 * @param totalTokens      {@code promptTokens + completionTokens}
 */
public record TokenUsage(int promptTokens, int completionTokens, int totalTokens) {

    /**
     * Checks the counts.
     *
     * @throws IllegalArgumentException if a count is negative or the total is not the sum
     */
    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0 || totalTokens != promptTokens + completionTokens) {
            throw new IllegalArgumentException("token counts must be non-negative and add up, but were prompt="
                    + promptTokens + ", completion=" + completionTokens + ", total=" + totalTokens);
        }
    }

    /**
     * Usage from the two counts.
     *
     * @param promptTokens     tokens in the prompt
     * @param completionTokens tokens in the answer
     * @return the usage with their sum as total
     */
    public static TokenUsage of(int promptTokens, int completionTokens) {
        return new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens);
    }
}
