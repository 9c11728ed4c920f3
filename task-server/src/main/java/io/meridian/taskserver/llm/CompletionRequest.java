package io.meridian.taskserver.llm;

import org.jspecify.annotations.Nullable;

/**
 * What a backend is asked.
 *
 * @param query the user's text, already validated (not blank, within the length limit)
 * @param model the model to use, or {@code null} for the backend's {@linkplain
 *              ChatBackend#defaultModel() default}
 */
public record CompletionRequest(String query, @Nullable String model) {
}
