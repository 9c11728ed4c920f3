package io.meridian.taskserver.llm;

import java.time.Duration;
import java.util.Random;
import reactor.core.publisher.Mono;

/**
 * A backend with no model behind it, for demos and load tests.
 *
 * <p>Each answer arrives after {@code latency} plus a uniform random extra in [0, {@code jitter}];
 * the delay is a timer ({@link Mono#delay}), so waiting answers hold no thread. The answer says it
 * is simulated and which region produced it, and reports model and backend {@value #NAME}: it never
 * passes for a real model, whatever model the request names. Token usage counts whitespace-separated
 * words, which is enough to exercise accounting without a tokenizer.
 */
final class SimulatedChatBackend implements ChatBackend {

    /** Name, and model name, of this backend. */
    static final String NAME = "simulated";

    private final String region;

    private final Duration latency;

    private final long jitterNanos;

    private final Random random;

    SimulatedChatBackend(String region, ModelProperties.Simulated settings) {
        this.region = region;
        this.latency = settings.latency();
        this.jitterNanos = settings.jitter().toNanos();
        this.random = new Random(settings.seed());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultModel() {
        return NAME;
    }

    @Override
    public Mono<Completion> complete(CompletionRequest request) {
        // The delay is drawn at subscription, so a re-subscribed Mono gets a fresh draw.
        return Mono.defer(() -> Mono.delay(nextDelay()))
                .map(ignored -> answer(request.query()));
    }

    Duration nextDelay() {
        if (jitterNanos == 0) {
            return latency;
        }
        return latency.plusNanos(random.nextLong(jitterNanos + 1));
    }

    private Completion answer(String query) {
        String text = "Simulated answer from region " + region + " (no model was called). You asked: " + query;
        return new Completion(text, NAME, NAME, TokenUsage.of(countWords(query), countWords(text)));
    }

    /**
     * Counts whitespace-separated words.
     *
     * @param text any text
     * @return the number of maximal runs of non-whitespace characters
     */
    static int countWords(String text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }
}
