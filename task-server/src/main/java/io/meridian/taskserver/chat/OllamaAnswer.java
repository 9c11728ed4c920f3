package io.meridian.taskserver.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskResult;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One object of an answer in Ollama's wire format: a line of a streamed {@code /api/chat} or
 * {@code /api/generate} answer ({@code "done": false} with a piece of text), its last line
 * ({@code "done": true} with the reason and the counts), or the whole of a {@code "stream": false}
 * answer. {@code /api/chat} carries the text in {@code message}, {@code /api/generate} in
 * {@code response}; the other member is left out.
 *
 * <p>The durations are Meridian's: {@code total_duration} from the task's acceptance to its end
 * (queueing included), {@code eval_duration} from its last start; Meridian does not see the model
 * server's load and prompt times, which are 0. The counts are the model server's own.
 *
 * @param model              the model
 * @param createdAt          when this object was written (RFC 3339)
 * @param message            {@code /api/chat}'s piece of the answer, or {@code null}
 * @param response           {@code /api/generate}'s piece of the answer, or {@code null}
 * @param done               whether this is the last object
 * @param doneReason         {@code stop} or {@code length}, on the last object
 * @param totalDuration      nanoseconds, on the last object
 * @param loadDuration       nanoseconds, on the last object
 * @param promptEvalCount    tokens of the prompt, on the last object
 * @param promptEvalDuration nanoseconds, on the last object
 * @param evalCount          tokens of the answer, on the last object
 * @param evalDuration       nanoseconds, on the last object
 * @param meridian           where the answer came from, on the last object
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record OllamaAnswer(String model, @JsonProperty("created_at") String createdAt, @Nullable Message message,
        @Nullable String response, boolean done, @JsonProperty("done_reason") @Nullable String doneReason,
        @JsonProperty("total_duration") @Nullable Long totalDuration,
        @JsonProperty("load_duration") @Nullable Long loadDuration,
        @JsonProperty("prompt_eval_count") @Nullable Integer promptEvalCount,
        @JsonProperty("prompt_eval_duration") @Nullable Long promptEvalDuration,
        @JsonProperty("eval_count") @Nullable Integer evalCount,
        @JsonProperty("eval_duration") @Nullable Long evalDuration,
        ChatCompletion.@Nullable Meridian meridian) {

    /**
     * A piece of the answer, not the last.
     *
     * @param generate whether the answer is {@code /api/generate}'s
     * @param model    the model
     * @param at       when
     * @param text     the piece
     * @return the object
     */
    static OllamaAnswer piece(boolean generate, String model, Instant at, String text) {
        return new OllamaAnswer(model, at.toString(), generate ? null : new Message(text), generate ? text : null,
                false, null, null, null, null, null, null, null, null);
    }

    /**
     * The last object, with {@code text} as its piece: the rest of a stream, or all of a plain answer.
     *
     * @param generate whether the answer is {@code /api/generate}'s
     * @param task     the finished task
     * @param region   the region that served
     * @param text     the text it carries
     * @return the object
     */
    static OllamaAnswer last(boolean generate, Task task, String region, String text) {
        TaskResult result = java.util.Objects.requireNonNull(task.result());
        Instant end = task.finishedAt() != null ? task.finishedAt() : task.updatedAt();
        Instant start = task.startedAt() != null ? task.startedAt() : task.createdAt();
        return new OllamaAnswer(result.model(), end.toString(), generate ? null : new Message(text),
                generate ? text : null, true, "length".equals(result.finishReason()) ? "length" : "stop",
                nanos(task.createdAt(), end), 0L, result.usage().promptTokens(), 0L, result.usage().completionTokens(),
                nanos(start, end), ChatCompletion.Meridian.of(task, region));
    }

    private static long nanos(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos());
    }

    /**
     * {@code /api/chat}'s message.
     *
     * @param role    always {@code assistant}
     * @param content the text
     */
    record Message(String role, String content) {

        Message(String content) {
            this("assistant", content);
        }
    }
}
