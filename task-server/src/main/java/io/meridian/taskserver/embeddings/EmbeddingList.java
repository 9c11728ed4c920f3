package io.meridian.taskserver.embeddings;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI's embeddings answer: {@code {"object": "list", "data": [{"object": "embedding", "index": 0,
 * "embedding": [...]}], "model": "...", "usage": {"prompt_tokens": n, "total_tokens": n}}}.
 *
 * @param object always {@code list}
 * @param data   one embedding per input, in the inputs' order
 * @param model  the model that answered
 * @param usage  the tokens the inputs cost
 */
record EmbeddingList(String object, List<Item> data, String model, Usage usage) {

    /**
     * The answer to a request.
     *
     * @param answer what the backend answered
     * @param base64 whether each vector is written as base64 of its little-endian 32-bit floats, as
     *               OpenAI writes it for {@code encoding_format: base64}, rather than as numbers
     * @return the answer
     */
    static EmbeddingList of(EmbeddingBackend.Embeddings answer, boolean base64) {
        List<Item> data = new ArrayList<>(answer.vectors().size());
        for (int i = 0; i < answer.vectors().size(); i++) {
            float[] vector = answer.vectors().get(i);
            data.add(new Item("embedding", i, base64 ? base64(vector) : vector));
        }
        return new EmbeddingList("list", data, answer.model(), new Usage(answer.promptTokens(), answer.promptTokens()));
    }

    /** A vector as base64 of its little-endian IEEE 754 32-bit floats. */
    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(Float.BYTES * vector.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /**
     * One embedding.
     *
     * @param object    always {@code embedding}
     * @param index     the input's position in the request
     * @param embedding the vector: a {@code float[]}, or a base64 string
     */
    record Item(String object, int index, Object embedding) {
    }

    /**
     * The tokens the inputs cost; an embedding has no completion, so the total is the prompt's.
     *
     * @param promptTokens the inputs' tokens
     * @param totalTokens  the same
     */
    record Usage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("total_tokens") int totalTokens) {
    }
}
