package io.meridian.taskserver.embeddings;

import java.util.Arrays;

/** One input of an embeddings request: a text, or a text its client has already tokenized. */
public sealed interface EmbeddingInput {

    /**
     * A text to embed.
     *
     * @param text the text, not empty
     */
    record Text(String text) implements EmbeddingInput {
    }

    /**
     * Token ids to embed, as OpenAI's clients send them (tiktoken's ids).
     *
     * @param tokens the ids, at least one, none negative
     */
    record Tokens(int[] tokens) implements EmbeddingInput {

        /** Copies the ids. */
        public Tokens {
            tokens = tokens.clone();
        }

        @Override
        public int[] tokens() {
            return tokens.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Tokens that && Arrays.equals(tokens, that.tokens);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(tokens);
        }

        @Override
        public String toString() {
            return "Tokens[" + tokens.length + "]";
        }
    }
}
