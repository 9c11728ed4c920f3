package io.meridian.taskserver.task;

import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.TokenUsage;

/**
 * What a successful task produced.
 *
 * @param answer  the model's answer
 * @param model   the model that answered, as the model server reported it
 * @param backend the backend that answered: {@code simulated} or {@code ollama}
 * @param usage   tokens counted for the query and the answer
 */
public record TaskResult(String answer, String model, String backend, TokenUsage usage) {

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
