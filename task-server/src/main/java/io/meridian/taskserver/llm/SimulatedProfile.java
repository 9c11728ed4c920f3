package io.meridian.taskserver.llm;

import java.time.Duration;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The numbers a simulated answer follows: a {@linkplain ModelProperties.Simulated.Profile preset}
 * with the properties that override it applied, and the draws made from them.
 *
 * <p>An answer's length is a normal draw of mean {@code meanAnswerTokens} and standard deviation
 * {@code answerTokensSpread}, kept within two deviations of the mean and at least 1: real answer
 * lengths vary around a typical size, and the bounds keep an unlucky draw from a pathological
 * answer. The gaps between tokens are exponential, the inter-arrival times of a Poisson process at
 * {@code tokensPerSecond}: over a whole answer they add up to its length over the rate within a few
 * per cent, while single tokens arrive unevenly, as they do over a network.
 *
 * @param preset             the preset chosen
 * @param latency            the delay of a non-streamed answer under {@code fixed}
 * @param jitter             upper bound of the uniform extra delay before an answer or its first token
 * @param timeToFirstToken   the delay before the first token
 * @param tokensPerSecond    the mean token rate after the first
 * @param meanAnswerTokens   the mean answer length, or {@code null} for the short answer
 * @param answerTokensSpread the standard deviation of the answer length
 */
record SimulatedProfile(ModelProperties.Simulated.Profile preset, Duration latency, Duration jitter,
        Duration timeToFirstToken, double tokensPerSecond, @Nullable Integer meanAnswerTokens,
        int answerTokensSpread) {

    /**
     * The preset with the overrides the settings carry.
     *
     * @param settings the bound settings
     * @return the numbers to follow
     */
    static SimulatedProfile of(ModelProperties.Simulated settings) {
        ModelProperties.Simulated.Profile preset = settings.profile();
        ModelProperties.AnswerTokens length = settings.answerTokens();
        Integer mean = length.mean() != null ? length.mean() : preset.meanAnswerTokens();
        int spread = length.spread() != null ? length.spread()
                : length.mean() != null && preset == ModelProperties.Simulated.Profile.FIXED ? 0
                : preset.answerTokensSpread();
        return new SimulatedProfile(preset, settings.latency(), settings.jitter(),
                settings.timeToFirstToken() != null ? settings.timeToFirstToken() : preset.timeToFirstToken(),
                settings.tokensPerSecond() != null ? settings.tokensPerSecond() : preset.tokensPerSecond(),
                mean, spread);
    }

    /**
     * Whether a non-streamed answer waits the fixed {@code latency} rather than as long as its
     * tokens take to produce.
     *
     * @return {@code true} under the {@code fixed} preset
     */
    boolean fixedLatency() {
        return preset == ModelProperties.Simulated.Profile.FIXED;
    }

    /** @return the shortest answer drawn, or 0 for the short answer */
    int minAnswerTokens() {
        return meanAnswerTokens == null ? 0 : Math.max(1, meanAnswerTokens - 2 * answerTokensSpread);
    }

    /** @return the longest answer drawn, or 0 for the short answer */
    int maxAnswerTokens() {
        return meanAnswerTokens == null ? 0 : meanAnswerTokens + 2 * answerTokensSpread;
    }

    /**
     * Draws an answer's length.
     *
     * @param random the answer's random source
     * @return a length within [{@link #minAnswerTokens}, {@link #maxAnswerTokens}], or 0 for the
     *         short answer (nothing is drawn then)
     */
    int answerTokens(SplittableRandom random) {
        if (meanAnswerTokens == null) {
            return 0;
        }
        long drawn = Math.round(meanAnswerTokens + random.nextGaussian() * answerTokensSpread);
        return (int) Math.clamp(drawn, minAnswerTokens(), maxAnswerTokens());
    }

    /**
     * Draws a base delay's uniform extra.
     *
     * @param base   the fixed part
     * @param random the answer's random source
     * @return {@code base} plus a uniform draw in [0, jitter]
     */
    Duration withJitter(Duration base, SplittableRandom random) {
        long jitterNanos = jitter.toNanos();
        return jitterNanos == 0 ? base : base.plusNanos(random.nextLong(jitterNanos + 1));
    }

    /**
     * Draws the gap before the next token after the first.
     *
     * @param random the answer's random source
     * @return an exponential draw of mean one over {@code tokensPerSecond}
     */
    Duration tokenGap(SplittableRandom random) {
        return Duration.ofNanos((long) (-Math.log(1 - random.nextDouble()) * 1e9 / tokensPerSecond));
    }

    /** @return one line for the log, e.g. {@code cpu-small: first token after 400 ms, ...} */
    String describe() {
        String length = meanAnswerTokens == null ? "the short answer"
                : meanAnswerTokens + " ± " + answerTokensSpread + " tokens (" + minAnswerTokens() + " to "
                        + maxAnswerTokens() + ")";
        String nonStreamed = fixedLatency() ? ", non-streamed after " + latency.toMillis() + " ms" : "";
        return preset.configName() + ": first token after " + timeToFirstToken.toMillis() + " ms, "
                + tokensPerSecond + " tokens/s, " + length + nonStreamed
                + (jitter.isZero() ? "" : ", up to " + jitter.toMillis() + " ms jitter");
    }
}
