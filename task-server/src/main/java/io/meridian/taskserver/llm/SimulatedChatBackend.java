package io.meridian.taskserver.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A backend with no model behind it, for demos and load tests.
 *
 * <p>Each answer arrives after {@code latency} plus a uniform random extra in [0, {@code jitter}];
 * the delay is a timer ({@link Mono#delay}), so waiting answers hold no thread. The answer says it
 * is simulated and which region produced it, and reports model and backend {@value #NAME}: it never
 * passes for a real model, whatever model the request names. Token usage counts whitespace-separated
 * words, which is enough to exercise accounting without a tokenizer.
 *
 * <p>{@link #stream} produces the same answer word by word: the first after {@code
 * time-to-first-token} plus jitter, the next ones at exponentially distributed intervals whose
 * mean is one over {@code tokens-per-second}, the inter-arrival times of a steady decoder. All
 * draws come from the one seeded {@link Random}, so a run can be repeated.
 */
final class SimulatedChatBackend implements ChatBackend {

    /** Name, and model name, of this backend. */
    static final String NAME = "simulated";

    private final String region;

    private final Duration latency;

    private final long jitterNanos;

    private final Duration timeToFirstToken;

    private final double meanTokenGapNanos;

    private final Random random;

    SimulatedChatBackend(String region, ModelProperties.Simulated settings) {
        this.region = region;
        this.latency = settings.latency();
        this.jitterNanos = settings.jitter().toNanos();
        this.timeToFirstToken = settings.timeToFirstToken();
        this.meanTokenGapNanos = 1e9 / settings.tokensPerSecond();
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
                .map(ignored -> answer(request.lastUserText(), request.maxTokens()));
    }

    @Override
    public Flux<CompletionDelta> stream(CompletionRequest request) {
        return Flux.defer(() -> {
            Completion completion = answer(request.lastUserText(), request.maxTokens());
            List<String> words = words(completion.text());
            Flux<CompletionDelta> steps = Flux.empty();
            for (int i = 0; i < words.size(); i++) {
                Duration gap = i == 0 ? firstTokenDelay() : nextTokenGap();
                boolean last = i == words.size() - 1;
                CompletionDelta step = last ? CompletionDelta.last(words.get(i), completion)
                        : CompletionDelta.token(words.get(i));
                steps = steps.concatWith(Mono.delay(gap).map(ignored -> step));
            }
            return steps;
        });
    }

    Duration nextDelay() {
        return withJitter(latency);
    }

    private Duration firstTokenDelay() {
        return withJitter(timeToFirstToken);
    }

    private synchronized Duration withJitter(Duration base) {
        if (jitterNanos == 0) {
            return base;
        }
        return base.plusNanos(random.nextLong(jitterNanos + 1));
    }

    /** An exponential draw: the gap between two events of a Poisson process at the token rate. */
    private synchronized Duration nextTokenGap() {
        return Duration.ofNanos((long) (-Math.log(1 - random.nextDouble()) * meanTokenGapNanos));
    }

    /**
     * Splits a text into words, each with the whitespace that follows it, so that the pieces
     * concatenate back to the text.
     */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            boolean boundary = i == text.length()
                    || (Character.isWhitespace(text.charAt(i - 1)) && !Character.isWhitespace(text.charAt(i)));
            if (boundary) {
                words.add(text.substring(start, i));
                start = i;
            }
        }
        return words;
    }

    /** The answer, cut after {@code maxTokens} words as a model stops at its token limit. */
    private Completion answer(String query, @Nullable Integer maxTokens) {
        String text = "Simulated answer from region " + region + " (no model was called). You asked: " + query;
        if (maxTokens != null && countWords(text) > maxTokens) {
            text = String.join("", words(text.strip()).subList(0, maxTokens)).strip();
        }
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
