package io.meridian.taskserver.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Random;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A backend with no model behind it, for demos and load tests.
 *
 * <p>Answers follow a {@link SimulatedProfile}. Under {@code fixed} (the default) a non-streamed
 * answer arrives after {@code latency} plus a uniform random extra in [0, {@code jitter}], and a
 * streamed one produces the short answer word by word. Under a preset ({@code cpu-small},
 * {@code gpu-large}) each answer has a drawn number of tokens and comes token by token: the first
 * after the time to first token plus jitter, the next ones at exponentially distributed gaps whose
 * mean is one over the token rate; a non-streamed answer waits the sum of the same draws, so it
 * takes exactly as long as the same answer streamed. A token is a word with the whitespace after
 * it, and usage counts the same words: the completion tokens are the steps streamed.
 *
 * <p>Every wait is a timer ({@link Mono#delay}), one at a time per answer, and a streamed answer
 * finds its next word on demand rather than holding a list of its words and gaps: ten thousand
 * answers in flight hold ten thousand timers and texts, and no thread.
 *
 * <p>Each answer draws from a random source of its own, seeded from one {@link Random} seeded with
 * {@code seed} as the answer starts: the same seed gives the same sequence of answers, and
 * concurrent answers never contend for, or reorder, each other's draws.
 *
 * <p>The answer says it is simulated and which region produced it, and reports backend
 * {@value #NAME} and, as its model, {@value #NAME} or the name the settings give it
 * ({@code simulated.model}, so that two simulated tiers can be told apart): never the model a
 * request names, so it cannot be made to pass for a model by asking for one.
 */
final class SimulatedChatBackend implements ChatBackend {

    /** Name of this backend, and its model's name unless the settings give it another. */
    static final String NAME = "simulated";

    /** What a preset's answer says after the question until it has its length: plain, honest words. */
    private static final String[] FILLER = ("This simulated answer is as long as a real model's would be, one word "
            + "for each token, and it arrives at the pace of the profile the region runs.").split(" ");

    private static final Logger log = LoggerFactory.getLogger(SimulatedChatBackend.class);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String region;

    private final String model;

    private final SimulatedProfile profile;

    private final Random seeds;

    SimulatedChatBackend(String region, ModelProperties.Simulated settings) {
        this.region = region;
        this.model = settings.model() != null ? settings.model() : NAME;
        this.profile = SimulatedProfile.of(settings);
        this.seeds = new Random(settings.seed());
        log.info("Simulated model '{}' in region {}: {}", model, region, profile.describe());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultModel() {
        return model;
    }

    /** Its own name, whatever model is asked for. */
    @Override
    public String answersAs(@Nullable String requested) {
        return model;
    }

    /** The numbers this backend follows. */
    SimulatedProfile profile() {
        return profile;
    }

    @Override
    public Mono<Completion> complete(CompletionRequest request) {
        // Drawn at subscription, so a re-subscribed Mono gets a fresh answer.
        return Mono.defer(() -> {
            Answer answer = answer(request);
            return Mono.delay(answer.totalDelay()).map(ignored -> answer.completion);
        });
    }

    @Override
    public Flux<CompletionDelta> stream(CompletionRequest request) {
        return Flux.defer(() -> {
            Answer answer = answer(request);
            // No prefetch: one step's timer at a time, each drawn as the one before has fired.
            return Flux.range(0, answer.tokens)
                    .concatMap(i -> Mono.delay(answer.nextGap()).map(tick -> answer.nextStep()), 0);
        });
    }

    /**
     * Draws the next answer to a request: its length, text and random source.
     *
     * @param request the request
     * @return the answer, not started
     */
    Answer answer(CompletionRequest request) {
        ChatParameters parameters = request.parameters();
        SplittableRandom random;
        if (parameters.seed() != null) {
            random = new SplittableRandom(parameters.seed());
        }
        else {
            synchronized (seeds) {
                random = new SplittableRandom(seeds.nextLong());
            }
        }
        String query = request.lastUserText();
        // Under fixed a non-streamed answer waits the latency, a streamed one its own first token.
        Duration fixedWait = profile.fixedLatency() ? profile.withJitter(profile.latency(), random) : null;
        Duration firstToken = profile.withJitter(profile.timeToFirstToken(), random);
        int length = profile.answerTokens(random);
        String text = text(query, length);
        if (parameters.responseFormat() != null) {
            text = jsonObject(text);
        }
        String finishReason = Completion.STOP;
        text = cutAtStop(text, parameters.stop());
        Integer maxTokens = request.maxTokens();
        if (maxTokens != null && countWords(text) > maxTokens) {
            text = String.join("", words(text).subList(0, maxTokens)).strip();
            finishReason = Completion.LENGTH;
        }
        Completion completion = new Completion(text, model, NAME, TokenUsage.of(countWords(query), countWords(text)),
                finishReason, List.of());
        return new Answer(completion, fixedWait, firstToken, random);
    }

    /**
     * The parameters this backend honours: {@code stop} (the answer ends before the first stop
     * sequence), {@code seed} (it seeds the answer's draws, so the same seed gives the same answer
     * at the same pace), JSON mode (the answer is a JSON object holding the text) and, with no
     * effect, the sampling parameters: its text is not sampled, so there is nothing for them to
     * shape, as there is nothing for them to shape in a real model at temperature 0. A JSON schema
     * and tools are refused: it cannot write an answer that follows an arbitrary schema, nor
     * decide honestly when to call a tool.
     */
    @Override
    public Set<ChatParameter> supports() {
        return SUPPORTED;
    }

    private static final Set<ChatParameter> SUPPORTED = EnumSet.of(ChatParameter.TEMPERATURE, ChatParameter.TOP_P,
            ChatParameter.PRESENCE_PENALTY, ChatParameter.FREQUENCY_PENALTY, ChatParameter.STOP, ChatParameter.SEED,
            ChatParameter.JSON_OBJECT);

    /** The text as JSON mode has it: one object, {@code {"answer": "...", "simulated": true}}. */
    private static String jsonObject(String text) {
        return "{\"answer\": " + JSON.writeValueAsString(text) + ", \"simulated\": true}";
    }

    /** The text up to the first occurrence of any of the stop sequences, which it does not include. */
    private static String cutAtStop(String text, List<String> stop) {
        int end = text.length();
        for (String sequence : stop) {
            int at = text.indexOf(sequence);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return text.substring(0, end);
    }

    /**
     * One answer as it is produced. Its methods are called in sequence (the stream's steps follow
     * each other), never concurrently.
     */
    final class Answer {

        private final Completion completion;

        /** The wait of a non-streamed answer under {@code fixed}; {@code null} under a preset. */
        private final @Nullable Duration fixedWait;

        private final Duration firstToken;

        private final SplittableRandom random;

        /** The number of steps a stream takes: the completion tokens, and at least the one that ends it. */
        final int tokens;

        private int step;

        private int position;

        Answer(Completion completion, @Nullable Duration fixedWait, Duration firstToken, SplittableRandom random) {
            this.completion = completion;
            this.fixedWait = fixedWait;
            this.firstToken = firstToken;
            this.random = random;
            this.tokens = Math.max(1, completion.usage().completionTokens());
        }

        /** @return the whole answer */
        Completion completion() {
            return completion;
        }

        /**
         * The wait of the answer non-streamed: {@code latency} (and jitter) under {@code fixed};
         * otherwise the time to its last token, drawn as a stream draws its gaps.
         *
         * @return the delay
         */
        Duration totalDelay() {
            if (fixedWait != null) {
                return fixedWait;
            }
            Duration total = firstToken;
            for (int i = 1; i < tokens; i++) {
                total = total.plus(profile.tokenGap(random));
            }
            return total;
        }

        /** @return the wait before the next step: the time to first token, then a token gap */
        Duration nextGap() {
            return step == 0 ? firstToken : profile.tokenGap(random);
        }

        /** @return the next word with the whitespace after it, the last with the completion */
        CompletionDelta nextStep() {
            String text = completion.text();
            step++;
            if (step >= tokens) {
                return CompletionDelta.last(text.substring(position), completion);
            }
            int end = nextWordEnd(text, position);
            String word = text.substring(position, end);
            position = end;
            return CompletionDelta.token(word);
        }
    }

    /** Where the word starting at {@code from} ends, the whitespace after it included. */
    private static int nextWordEnd(String text, int from) {
        int i = from;
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * The answer's text: the short answer that says it is simulated and repeats the question, made
     * as long as {@code length} words (0: as it is) with honest filler. The request's stop
     * sequences and token limit cut it afterwards, as they cut a model's answer.
     */
    private String text(String query, int length) {
        String text = "Simulated answer from region " + region + " (no model was called). You asked: " + query;
        int words = countWords(text);
        int wanted = length > 0 ? length : words;
        if (wanted < words) {
            return String.join("", words(text.strip()).subList(0, wanted)).strip();
        }
        if (wanted == words) {
            return text;
        }
        StringBuilder padded = new StringBuilder(text.length() + 7 * (wanted - words)).append(text.stripTrailing());
        for (int i = 0; words + i < wanted; i++) {
            padded.append(' ').append(FILLER[i % FILLER.length]);
        }
        return padded.toString();
    }

    /**
     * Splits a text into words, each with the whitespace that follows it, so that the pieces
     * concatenate back to the text.
     */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = nextWordEnd(text, start);
            words.add(text.substring(start, end));
            start = end;
        }
        return words;
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
