package io.meridian.taskserver.llm;

/**
 * A model's answer.
 *
 * @param text    the answer text
 * @param model   the model that answered, as the model server reported it
 * @param backend the {@linkplain ChatBackend#name() backend} that produced the answer
 * @param usage   tokens counted for the prompt and the answer
 */
public record Completion(String text, String model, String backend, TokenUsage usage) {
}
