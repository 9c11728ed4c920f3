package io.meridian.taskserver.llm;

import java.util.Locale;

/**
 * One message of a conversation, as OpenAI's chat API and Spring AI's messages have them.
 *
 * @param role    who said it: {@code system}, {@code user} or {@code assistant} (a {@code developer}
 *                message is a system message under OpenAI's newer name)
 * @param content what was said
 */
public record ChatMessage(String role, String content) {

    /** Role of instructions to the model. */
    public static final String SYSTEM = "system";

    /** Role of the person asking. */
    public static final String USER = "user";

    /** Role of the model's earlier answers. */
    public static final String ASSISTANT = "assistant";

    /** OpenAI's newer name for a system message. */
    public static final String DEVELOPER = "developer";

    /**
     * Checks the role.
     *
     * @throws IllegalArgumentException if the role is not one of the four above
     */
    public ChatMessage {
        role = role.toLowerCase(Locale.ROOT);
        if (!isRole(role)) {
            throw new IllegalArgumentException("role must be one of system, developer, user, assistant, but was '"
                    + role + "'");
        }
    }

    /**
     * Whether a role is one this server understands.
     *
     * @param role a role as sent
     * @return {@code true} for system, developer, user and assistant (any case)
     */
    public static boolean isRole(String role) {
        return switch (role.toLowerCase(Locale.ROOT)) {
            case SYSTEM, DEVELOPER, USER, ASSISTANT -> true;
            default -> false;
        };
    }
}
