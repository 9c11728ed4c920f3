package io.meridian.taskserver.embeddings;

import io.meridian.taskserver.llm.ModelFailureException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * Embeddings from a model server, through Spring AI's {@link EmbeddingModel}: Ollama's
 * ({@code POST /api/embed}) or an OpenAI-compatible server's ({@code POST /v1/embeddings}).
 *
 * <p>Spring AI's embedding request carries texts only, and Ollama's API takes nothing else, so
 * token arrays are not passed on ({@link #takesTokenArrays()} is {@code false}). The vectors come
 * back as floats whatever the client's {@code encoding_format}, which the controller applies. A
 * failure of any kind, or an answer with a vector missing, is a {@link ModelFailureException}: the
 * client's 502 {@code model_error}.
 */
final class SpringAiEmbeddingBackend implements EmbeddingBackend {

    private final String name;

    private final EmbeddingModel model;

    private final OptionsFactory options;

    /**
     * @param name    the backend's name
     * @param model   Spring AI's model for the server
     * @param options the backend's options for a request's model, dimensions and user
     */
    SpringAiEmbeddingBackend(String name, EmbeddingModel model, OptionsFactory options) {
        this.name = name;
        this.model = model;
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean takesTokenArrays() {
        return false;
    }

    @Override
    public Embeddings embed(String modelName, List<EmbeddingInput> inputs, @Nullable Integer dimensions,
            @Nullable String user) {
        List<String> texts = new ArrayList<>(inputs.size());
        for (EmbeddingInput input : inputs) {
            if (!(input instanceof EmbeddingInput.Text text)) {
                throw new IllegalArgumentException("backend '" + name + "' takes texts only, but was given " + input);
            }
            texts.add(text.text());
        }
        EmbeddingResponse response;
        try {
            response = model.call(new EmbeddingRequest(texts, options.create(modelName, dimensions, user)));
        } catch (RuntimeException failure) {
            throw new ModelFailureException(name, "model backend '" + name + "' failed to embed with model '"
                    + modelName + "': " + message(failure), failure);
        }
        List<Embedding> results = response.getResults();
        if (results.size() != texts.size()) {
            throw new ModelFailureException(name, "model backend '" + name + "' answered " + results.size()
                    + " embeddings for " + texts.size() + " inputs");
        }
        List<float[]> vectors = new ArrayList<>(results.size());
        for (Embedding result : results) {
            float[] vector = result.getOutput();
            if (vector == null || vector.length == 0) {
                throw new ModelFailureException(name, "model backend '" + name + "' answered an empty embedding");
            }
            vectors.add(vector);
        }
        Usage usage = response.getMetadata().getUsage();
        Integer prompt = usage == null ? null : usage.getPromptTokens();
        String answered = response.getMetadata().getModel();
        return new Embeddings(vectors, answered == null || answered.isBlank() ? modelName : answered,
                prompt == null ? 0 : Math.max(0, prompt));
    }

    private static String message(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        return message.length() <= 300 ? message : message.substring(0, 300) + "...";
    }

    /** The options of one call, as the backend's Spring AI model reads them. */
    @FunctionalInterface
    interface OptionsFactory {

        /**
         * @param model      the model
         * @param dimensions the vectors' length, or {@code null}
         * @param user       the end user, or {@code null}
         * @return the options
         */
        EmbeddingOptions create(String model, @Nullable Integer dimensions, @Nullable String user);
    }
}
