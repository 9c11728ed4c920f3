package io.meridian.taskserver.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.llm.ToolCall;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a successful task produced.
 *
 * @param answer         the model's answer (empty when it only called tools)
 * @param model          the model that answered, as the model server reported it
 * @param backend        the backend that answered: {@code simulated}, {@code ollama} or {@code openai}
 * @param usage          tokens counted for the query and the answer, as the model server reported them
 * @param degraded       whether another model answered than the one asked for: graceful degradation ran
 *                       the task on a smaller model, or a model tier failed and its fallback answered
 * @param requestedModel the model it asked for, when degraded; {@code null} otherwise
 * @param finishReason   why the model stopped: {@code stop}, {@code length} or {@code tool_calls}; a
 *                       result stored before finish reasons were kept reads as {@code stop}
 * @param toolCalls      the tools the model asked the client to call; empty for none
 */
public record TaskResult(String answer, String model, String backend, TokenUsage usage, boolean degraded,
        @Nullable String requestedModel, String finishReason,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) {

    /**
     * Reads what an older stored result lacks: a natural end, no tool calls.
     */
    public TaskResult {
        @SuppressWarnings("ConstantValue")
        boolean unreported = finishReason == null || finishReason.isEmpty();
        finishReason = unreported ? Completion.STOP : finishReason;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /**
     * A result that was not degraded, ended naturally and called no tools.
     *
     * @param answer  the answer
     * @param model   the model that answered
     * @param backend the backend that answered
     * @param usage   the tokens counted
     */
    public TaskResult(String answer, String model, String backend, TokenUsage usage) {
        this(answer, model, backend, usage, false, null, Completion.STOP, List.of());
    }

    /**
     * The same result, marked as produced by a smaller model than the one asked for.
     *
     * @param requested the model asked for
     * @return the degraded result
     */
    public TaskResult degradedFrom(String requested) {
        return new TaskResult(answer, model, backend, usage, true, requested, finishReason, toolCalls);
    }

    /**
     * The result of a completion; one a tier's fallback gave is degraded from the model asked for.
     *
     * @param completion the model's answer
     * @return the same answer as a task result
     */
    public static TaskResult of(Completion completion) {
        String fallbackFrom = completion.fallbackFrom();
        return new TaskResult(completion.text(), completion.model(), completion.backend(), completion.usage(),
                fallbackFrom != null, fallbackFrom, completion.finishReason(), completion.toolCalls());
    }
}
