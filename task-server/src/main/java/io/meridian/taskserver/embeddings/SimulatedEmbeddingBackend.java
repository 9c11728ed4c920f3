package io.meridian.taskserver.embeddings;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Embeddings without a model, for demos and load tests: each input's vector is derived from a hash
 * of the input alone, so the same text always gets the same vector, in every region and release.
 *
 * <p>Design note. The vector's components are the outputs of SplitMix64 (whose algorithm is fixed
 * here, not borrowed from a JDK class that might change it) seeded with the first 8 bytes of the
 * input's SHA-256, each mapped to [-1, 1), and the vector is scaled to unit length, as OpenAI's
 * are. A request asking for fewer {@code dimensions} gets the first components of the full vector,
 * scaled again to unit length, the way a shortened {@code text-embedding-3} vector relates to the
 * full one. The vectors carry no meaning: two similar texts are no closer than two unrelated ones,
 * so search built on them finds exact repeats only. A text costs a token per word (at least one),
 * a token array its length.
 */
final class SimulatedEmbeddingBackend implements EmbeddingBackend {

    /** The backend's name. */
    static final String NAME = "simulated";

    /** The model's default name. */
    static final String DEFAULT_MODEL = "simulated-embedding";

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final int dimensions;

    /** @param dimensions the length of the full vectors */
    SimulatedEmbeddingBackend(int dimensions) {
        this.dimensions = dimensions;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean takesTokenArrays() {
        return true;
    }

    /** The length of the full vectors, the most a request's {@code dimensions} may ask for. */
    int dimensions() {
        return dimensions;
    }

    @Override
    public Embeddings embed(String model, List<EmbeddingInput> inputs, @Nullable Integer dimensions,
            @Nullable String user) {
        int length = dimensions == null ? this.dimensions : Math.min(dimensions, this.dimensions);
        List<float[]> vectors = new ArrayList<>(inputs.size());
        int tokens = 0;
        for (EmbeddingInput input : inputs) {
            vectors.add(vector(seed(input), length));
            tokens += switch (input) {
                case EmbeddingInput.Text text -> words(text.text());
                case EmbeddingInput.Tokens ids -> ids.tokens().length;
            };
        }
        return new Embeddings(vectors, model, tokens);
    }

    /** The unit vector of {@code length} components drawn from {@code seed}. */
    static float[] vector(long seed, int length) {
        double[] components = new double[length];
        double squares = 0;
        long state = seed;
        for (int i = 0; i < length; i++) {
            state += GOLDEN_GAMMA;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            components[i] = (z >>> 11) * 0x1.0p-52 - 1.0;
            squares += components[i] * components[i];
        }
        double norm = Math.sqrt(squares);
        float[] vector = new float[length];
        for (int i = 0; i < length; i++) {
            vector[i] = (float) (norm == 0 ? (i == 0 ? 1 : 0) : components[i] / norm);
        }
        return vector;
    }

    private static long seed(EmbeddingInput input) {
        byte[] bytes = switch (input) {
            case EmbeddingInput.Text text -> text.text().getBytes(StandardCharsets.UTF_8);
            case EmbeddingInput.Tokens ids -> {
                // A leading 0xFF, which no UTF-8 text starts with, keeps token arrays apart from texts.
                int[] tokens = ids.tokens();
                ByteBuffer buffer = ByteBuffer.allocate(1 + 4 * tokens.length).put((byte) 0xFF);
                for (int token : tokens) {
                    buffer.putInt(token);
                }
                yield buffer.array();
            }
        };
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes)).getLong();
        } catch (NoSuchAlgorithmException absent) {
            throw new IllegalStateException("every Java platform has SHA-256", absent);
        }
    }

    private static int words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? 1 : stripped.split("\\s+").length;
    }
}
