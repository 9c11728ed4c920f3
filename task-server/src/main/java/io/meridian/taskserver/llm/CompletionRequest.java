package io.meridian.taskserver.llm;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a backend is asked.
 *
 * @param query    the user's text, already validated (not blank, within the length limit); for a
 *                 conversation, its role-tagged transcript (see {@link #messages})
 * @param model    the model to use, or {@code null} for the backend's {@linkplain
 *                 ChatBackend#defaultModel() default}
 * @param messages the conversation with its roles, or empty when the request is the query alone.
 *                 A backend that understands roles sends these instead of {@code query}
 */
public record CompletionRequest(String query, @Nullable String model, List<ChatMessage> messages) {

    /**
     * Copies the messages.
     */
    public CompletionRequest {
        messages = List.copyOf(messages);
    }

    /**
     * A request of one query, without a conversation.
     *
     * @param query the user's text
     * @param model the model, or {@code null} for the default
     */
    public CompletionRequest(String query, @Nullable String model) {
        this(query, model, List.of());
    }

    /**
     * The text the user asked last: the content of the last user message, or the query when there
     * is no conversation.
     *
     * @return the last question
     */
    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals(ChatMessage.USER)) {
                return messages.get(i).content();
            }
        }
        return query;
    }
}
