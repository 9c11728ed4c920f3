package io.meridian.taskserver.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.taskserver.llm.ToolCall;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@code chat.completion.chunk} object, one server-sent event of a streamed answer. The first
 * chunk's delta carries the role, the next ones pieces of content, the last an empty delta and
 * the finish reason; when the client asked for usage, one more chunk follows with no choices and
 * the usage. Then comes {@code data: [DONE]}.
 *
 * @param id      {@code chatcmpl-} and the task's id, the same in every chunk
 * @param object  always {@code chat.completion.chunk}
 * @param created when the task was accepted, in seconds since the epoch
 * @param model   the model asked
 * @param choices one choice, or none in the usage chunk
 * @param usage   the usage, in the usage chunk only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
        ChatCompletion.@Nullable Usage usage) {

    static ChatCompletionChunk of(String id, long created, String model, Delta delta, @Nullable String finishReason) {
        return new ChatCompletionChunk(id, "chat.completion.chunk", created, model,
                List.of(new Choice(0, delta, finishReason)), null);
    }

    static ChatCompletionChunk usage(String id, long created, String model, ChatCompletion.Usage usage) {
        return new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(), usage);
    }

    /**
     * The one choice of a chunk.
     *
     * @param index        always 0
     * @param delta        what this chunk adds
     * @param finishReason the model's ({@code stop}, {@code length}, {@code tool_calls}) in the last
     *                     chunk, {@code null} before (always present)
     */
    record Choice(int index, Delta delta,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") @Nullable String finishReason) {
    }

    /**
     * What a chunk adds to the message.
     *
     * @param role      {@code assistant} in the first chunk only
     * @param content   the next piece of text, or {@code null} in the first and the last chunk
     * @param toolCalls the tool calls, whole, in the chunk before the last; {@code null} elsewhere
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(@Nullable String role, @Nullable String content,
            @JsonProperty("tool_calls") @Nullable List<ToolCallDelta> toolCalls) {

        Delta(@Nullable String role, @Nullable String content) {
            this(role, content, null);
        }

        static Delta toolCalls(List<ToolCall> calls) {
            List<ToolCallDelta> deltas = new java.util.ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                ToolCall call = calls.get(i);
                deltas.add(new ToolCallDelta(i, call.id(), "function",
                        new ChatCompletion.Function(call.name(), call.arguments())));
            }
            return new Delta(null, null, deltas);
        }
    }

    /**
     * A tool call in a stream: OpenAI streams them in pieces by {@code index}; here each comes whole.
     *
     * @param index    its position among the answer's calls
     * @param id       the call's id
     * @param type     always {@code function}
     * @param function the function and its arguments
     */
    record ToolCallDelta(int index, String id, String type, ChatCompletion.Function function) {
    }
}
