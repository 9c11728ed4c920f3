package io.meridian.taskserver.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One message of a conversation, as OpenAI's chat API and Spring AI's messages have them.
 *
 * <p>Tool use takes two more shapes: an {@code assistant} message that called tools (its
 * {@code toolCalls}, its content often empty), and a {@code tool} message with the result of one
 * call, naming the call by {@code toolCallId}.
 *
 * @param role       who said it: {@code system}, {@code user}, {@code assistant} or {@code tool} (a
 *                   {@code developer} message is a system message under OpenAI's newer name)
 * @param content    what was said (for a {@code tool} message, the tool's result)
 * @param toolCalls  the tools an {@code assistant} message called; empty otherwise
 * @param toolCallId the call a {@code tool} message answers; {@code null} otherwise
 */
public record ChatMessage(String role, String content,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String toolCallId) {

    /** Role of instructions to the model. */
    public static final String SYSTEM = "system";

    /** Role of the person asking. */
    public static final String USER = "user";

    /** Role of the model's earlier answers. */
    public static final String ASSISTANT = "assistant";

    /** OpenAI's newer name for a system message. */
    public static final String DEVELOPER = "developer";

    /** Role of a tool's result, sent back by the client. */
    public static final String TOOL = "tool";

    /**
     * Checks the role; reads absent tool calls (a message stored before tool use) as none.
     *
     * @throws IllegalArgumentException if the role is not one of the five above
     */
    public ChatMessage {
        role = role.toLowerCase(Locale.ROOT);
        if (!isRole(role)) {
            throw new IllegalArgumentException("role must be one of system, developer, user, assistant, tool, but was '"
                    + role + "'");
        }
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /**
     * A message of text alone.
     *
     * @param role    its role
     * @param content its text
     */
    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null);
    }

    /**
     * Whether a role is one this server understands.
     *
     * @param role a role as sent
     * @return {@code true} for system, developer, user, assistant and tool (any case)
     */
    public static boolean isRole(String role) {
        return switch (role.toLowerCase(Locale.ROOT)) {
            case SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL -> true;
            default -> false;
        };
    }
}
