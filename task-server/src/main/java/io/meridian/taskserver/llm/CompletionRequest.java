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
 * @param maxTokens the most tokens the answer may have, or {@code null} for the model's own
 *                 limit; a backend stops the answer there (Ollama's {@code num_predict}, OpenAI's
 *                 {@code max_tokens})
 * @param parameters the other chat parameters the client set, which the backend honours (it
 *                 {@linkplain ChatBackend#supports() supports} them: the request was refused otherwise)
 */
public record CompletionRequest(String query, @Nullable String model, List<ChatMessage> messages,
        @Nullable Integer maxTokens, ChatParameters parameters) {

    /**
     * Copies the messages.
     */
    public CompletionRequest {
        messages = List.copyOf(messages);
    }

    /**
     * A request with the model's default parameters.
     *
     * @param query     the user's text
     * @param model     the model, or {@code null} for the default
     * @param messages  the conversation, or empty
     * @param maxTokens the cap on the answer, or {@code null}
     */
    public CompletionRequest(String query, @Nullable String model, List<ChatMessage> messages,
            @Nullable Integer maxTokens) {
        this(query, model, messages, maxTokens, ChatParameters.NONE);
    }

    /**
     * A request of one query, without a conversation.
     *
     * @param query the user's text
     * @param model the model, or {@code null} for the default
     */
    public CompletionRequest(String query, @Nullable String model) {
        this(query, model, List.of(), null);
    }

    /**
     * A request without a cap on the answer.
     *
     * @param query    the user's text
     * @param model    the model, or {@code null} for the default
     * @param messages the conversation, or empty
     */
    public CompletionRequest(String query, @Nullable String model, List<ChatMessage> messages) {
        this(query, model, messages, null);
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
