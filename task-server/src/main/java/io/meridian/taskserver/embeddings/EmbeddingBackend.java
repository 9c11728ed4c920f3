package io.meridian.taskserver.embeddings;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A model that turns inputs into vectors. Implementations block: callers run them off the event
 * loop ({@link EmbeddingService}).
 */
public interface EmbeddingBackend {

    /**
     * The backend's name, as reported to clients.
     *
     * @return {@code simulated}, {@code ollama} or {@code openai}
     */
    String name();

    /**
     * Whether {@link #embed} takes {@link EmbeddingInput.Tokens}; a backend that does not is never
     * given them (the request is refused with a 400 naming {@code input}).
     *
     * @return {@code true} if token arrays may be embedded
     */
    boolean takesTokenArrays();

    /**
     * Embeds the inputs.
     *
     * @param model      the model to use
     * @param inputs     the inputs, at least one (token arrays only if {@link #takesTokenArrays()})
     * @param dimensions the length the vectors should have, or {@code null} for the model's own
     * @param user       the end user the client names, passed on where the backend takes it
     * @return one vector per input, in order, and the tokens the inputs cost
     * @throws io.meridian.taskserver.llm.ModelFailureException if the model server fails or answers
     *                                                          something that is not embeddings
     */
    Embeddings embed(String model, List<EmbeddingInput> inputs, @Nullable Integer dimensions, @Nullable String user);

    /**
     * What a backend answered.
     *
     * @param vectors      one vector per input, in the inputs' order
     * @param model        the model that answered, as it names itself
     * @param promptTokens the tokens the inputs cost
     */
    record Embeddings(List<float[]> vectors, String model, int promptTokens) {

        /** Copies the list (the vectors are not copied: they are large, and nobody changes them). */
        public Embeddings {
            vectors = List.copyOf(vectors);
        }
    }
}
