package io.meridian.taskserver.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskResult;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code chat.completion} object, OpenAI's non-streamed answer, plus a {@code meridian} member
 * that OpenAI clients ignore and Meridian's users read: the task, region, queue and backend behind
 * the answer, and whether graceful degradation answered with a smaller model.
 *
 * @param id       {@code chatcmpl-} and the task's id, which {@code GET /v1/tasks/{id}} also reads
 * @param object   always {@code chat.completion}
 * @param created  when the task was accepted, in seconds since the epoch
 * @param model    the model that answered, as the model server reported it
 * @param choices  one choice
 * @param usage    tokens, as the model server counted them
 * @param meridian where the answer came from
 */
record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
        Meridian meridian) {

    /** The prefix OpenAI gives completion ids. */
    static final String ID_PREFIX = "chatcmpl-";

    /**
     * The completion of a succeeded task.
     *
     * @param task   the task
     * @param region this server's region
     * @return the completion
     */
    static ChatCompletion of(Task task, String region) {
        TaskResult result = Objects.requireNonNull(task.result());
        return new ChatCompletion(ID_PREFIX + task.id(), "chat.completion", task.createdAt().getEpochSecond(),
                result.model(), List.of(new Choice(0, Message.of(result), result.finishReason())),
                Usage.of(result.usage()), Meridian.of(task, region));
    }

    /**
     * One answer.
     *
     * @param index        always 0
     * @param message      the assistant's message
     * @param finishReason why the model stopped, as it said: {@code stop}, {@code length} or
     *                     {@code tool_calls}
     */
    record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * A message.
     *
     * @param role      {@code assistant}
     * @param content   its text; {@code null} when the model only called tools
     * @param toolCalls the tools the model asked the client to call, absent when none
     */
    record Message(String role, @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String content,
            @JsonProperty("tool_calls") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCallOut> toolCalls) {

        static Message of(TaskResult result) {
            List<ToolCallOut> calls = result.toolCalls().stream()
                    .map(call -> new ToolCallOut(call.id(), "function", new Function(call.name(), call.arguments())))
                    .toList();
            String content = calls.isEmpty() || !result.answer().isEmpty() ? result.answer() : null;
            return new Message("assistant", content, calls);
        }
    }

    /**
     * A tool call in OpenAI's shape.
     *
     * @param id       the call's id, which the client's {@code tool} message names
     * @param type     always {@code function}
     * @param function the function and its arguments
     */
    record ToolCallOut(String id, String type, Function function) {
    }

    /**
     * The function a tool call calls.
     *
     * @param name      the function's name
     * @param arguments its arguments, JSON text
     */
    record Function(String name, String arguments) {
    }

    /**
     * Token usage in OpenAI's names.
     *
     * @param promptTokens     tokens of the prompt
     * @param completionTokens tokens of the answer
     * @param totalTokens      their sum
     */
    record Usage(@JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {

        static Usage of(TokenUsage usage) {
            return new Usage(usage.promptTokens(), usage.completionTokens(), usage.totalTokens());
        }
    }

    /**
     * Meridian's account of the answer.
     *
     * @param taskId         the task's id
     * @param region         the region that served
     * @param queue          the queue it ran on
     * @param backend        the backend that answered
     * @param degraded       whether another model answered than the one asked for: backlog
     *                       degradation, or a tier's fallback
     * @param requestedModel the model asked for, when degraded
     */
    record Meridian(String taskId, String region, String queue, String backend, boolean degraded,
            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String requestedModel) {

        static Meridian of(Task task, String region) {
            TaskResult result = task.result();
            return new Meridian(task.id().toString(), region, task.queue(),
                    result != null ? result.backend() : "", task.degraded() || result != null && result.degraded(),
                    task.requestedModel() != null ? task.requestedModel() : result != null ? result.requestedModel() : null);
        }
    }
}
