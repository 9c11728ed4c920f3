package io.meridian.taskserver.task;

import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * What a successful task produced.
 *
 * @param answer  the model's answer
 * @param model   the model that answered, as the model server reported it
 * @param backend        the backend that answered: {@code simulated}, {@code ollama} or {@code openai}
 * @param usage          tokens counted for the query and the answer, as the model server reported them
 * @param degraded       whether graceful degradation ran the task on a smaller model than it asked for
 * @param requestedModel the model it asked for, when degraded; {@code null} otherwise
 */
public record TaskResult(String answer, String model, String backend, TokenUsage usage, boolean degraded,
        @Nullable String requestedModel) {

    /**
     * A result that was not degraded.
     *
     * @param answer  the answer
     * @param model   the model that answered
     * @param backend the backend that answered
     * @param usage   the tokens counted
     */
    public TaskResult(String answer, String model, String backend, TokenUsage usage) {
        this(answer, model, backend, usage, false, null);
    }

    /**
     * The same result, marked as produced by a smaller model than the one asked for.
     *
     * @param requested the model asked for
     * @return the degraded result
     */
    public TaskResult degradedFrom(String requested) {
        return new TaskResult(answer, model, backend, usage, true, requested);
    }

    /**
     * The result of a completion.
     *
     * @param completion the model's answer
     * @return the same answer as a task result
     */
    public static TaskResult of(Completion completion) {
        return new TaskResult(completion.text(), completion.model(), completion.backend(), completion.usage());
    }
}
