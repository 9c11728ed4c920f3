package io.meridian.gateway.tenant;

/**
 * What a model's tokens cost, in micro-units of the configured currency (a millionth of a dollar
 * with {@code USD}) per million tokens: so that spend is counted in whole numbers everywhere, in
 * memory and in Redis, and never drifts as floating-point sums do.
 *
 * @param inputPerMillion  micro-units per million prompt tokens, at least 0
 * @param outputPerMillion micro-units per million completion tokens, at least 0
 */
public record Price(long inputPerMillion, long outputPerMillion) {

    /** Nothing: a model without a price, and every model while no prices are configured. */
    public static final Price FREE = new Price(0, 0);

    private static final long MILLION = 1_000_000;

    public Price {
        if (inputPerMillion < 0 || outputPerMillion < 0) {
            throw new IllegalArgumentException("prices must be at least 0, but were input " + inputPerMillion
                    + " and output " + outputPerMillion + " micro-units per million tokens");
        }
    }

    /**
     * The spend of an answer, rounded up to a whole micro-unit (a request that cost anything costs
     * at least one), and {@link Long#MAX_VALUE} rather than an overflow.
     */
    public long of(long prompt, long completion) {
        try {
            long sum = Math.addExact(Math.multiplyExact(Math.max(0, prompt), inputPerMillion),
                    Math.multiplyExact(Math.max(0, completion), outputPerMillion));
            return Math.ceilDiv(sum, MILLION);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The most {@code tokens} can cost when it is not known how many are prompt and how many
     * completion: each at the dearer of the two prices. What a reservation of {@code tokens} holds.
     */
    public long worstCase(long tokens) {
        long dearer = Math.max(inputPerMillion, outputPerMillion);
        return new Price(dearer, dearer).of(0, tokens);
    }

    /** Whether it costs anything. */
    public boolean free() {
        return inputPerMillion == 0 && outputPerMillion == 0;
    }

    /** The dearer of two prices, each side on its own: what an unknown one of them may cost. */
    Price dearest(Price other) {
        return new Price(Math.max(inputPerMillion, other.inputPerMillion), Math.max(outputPerMillion, other.outputPerMillion));
    }
}
