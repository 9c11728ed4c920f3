package io.meridian.taskserver.llm;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A model's answer.
 *
 * @param text         the answer text; may be empty when the model called tools instead
 * @param model        the model that answered, as the model server reported it
 * @param backend      the {@linkplain ChatBackend#name() backend} that produced the answer
 * @param usage        tokens counted for the prompt and the answer
 * @param finishReason why the model stopped, in OpenAI's words: {@value #STOP} (a natural end or a
 *                     stop sequence), {@value #LENGTH} (the token limit) or {@value #TOOL_CALLS}
 * @param toolCalls    the tools the model asked the client to call; empty for none
 * @param fallbackFrom when a tier's fallback answered because the tier failed, the model the tier
 *                     was asked for; {@code null} when the model asked for answered
 */
public record Completion(String text, String model, String backend, TokenUsage usage, String finishReason,
        List<ToolCall> toolCalls, @Nullable String fallbackFrom) {

    /** The model ended its answer, or met a stop sequence. */
    public static final String STOP = "stop";

    /** The model reached its token limit. */
    public static final String LENGTH = "length";

    /** The model asked for tool calls. */
    public static final String TOOL_CALLS = "tool_calls";

    /**
     * Copies the tool calls.
     */
    public Completion {
        toolCalls = List.copyOf(toolCalls);
    }

    /**
     * An answer of the model asked for.
     *
     * @param text         the answer text
     * @param model        the model that answered
     * @param backend      the backend
     * @param usage        the tokens counted
     * @param finishReason why the model stopped
     * @param toolCalls    the tools the model asked the client to call
     */
    public Completion(String text, String model, String backend, TokenUsage usage, String finishReason,
            List<ToolCall> toolCalls) {
        this(text, model, backend, usage, finishReason, toolCalls, null);
    }

    /**
     * The same answer, given by a fallback instead of the model asked for.
     *
     * @param requested the model asked for
     * @return the answer, marked
     */
    public Completion fallbackFrom(String requested) {
        return new Completion(text, model, backend, usage, finishReason, toolCalls, requested);
    }

    /**
     * An answer that ended naturally, without tool calls.
     *
     * @param text    the answer text
     * @param model   the model that answered
     * @param backend the backend
     * @param usage   the tokens counted
     */
    public Completion(String text, String model, String backend, TokenUsage usage) {
        this(text, model, backend, usage, STOP, List.of());
    }

    /**
     * A finish reason in OpenAI's words, whatever a model server or client library called it:
     * Ollama's {@code done_reason} ({@code stop}, {@code length}), the OpenAI SDK's enum names
     * ({@code STOP}, {@code TOOL_CALLS}). An answer with tool calls finished for them, whatever the
     * server said (Ollama says {@code stop}).
     *
     * @param reported     what the server reported, or {@code null}
     * @param hasToolCalls whether the answer calls tools
     * @return {@value #STOP}, {@value #LENGTH}, {@value #TOOL_CALLS} or another reason the server gave
     *         ({@code content_filter}), lowercase
     */
    public static String finishReason(@Nullable String reported, boolean hasToolCalls) {
        if (hasToolCalls) {
            return TOOL_CALLS;
        }
        if (reported == null || reported.isBlank()) {
            return STOP;
        }
        String reason = reported.strip().toLowerCase(Locale.ROOT);
        return switch (reason) {
            case "function_call" -> TOOL_CALLS;
            case "max_tokens" -> LENGTH;
            default -> reason;
        };
    }
}
