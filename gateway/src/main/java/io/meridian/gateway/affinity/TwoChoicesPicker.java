package io.meridian.gateway.affinity;

import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.function.ToIntFunction;

/**
 * The power of two choices: pick two replicas at random and send to the one with fewer outstanding
 * requests.
 *
 * <p>Design note: choosing the least loaded of all replicas needs a global view and herds every
 * gateway onto the same momentarily idle replica; choosing uniformly at random ignores load. Two
 * random choices get the maximum load down from {@code log n / log log n} to
 * {@code log log n} (Mitzenmacher) with two reads, and different gateways rarely agree on which
 * replica to flood. Envoy's and Finagle's least-request balancers work the same way.
 */
public final class TwoChoicesPicker {

    private final IntUnaryOperator random;

    /** @param random returns a uniform integer in [0, bound) for a given bound */
    public TwoChoicesPicker(IntUnaryOperator random) {
        this.random = random;
    }

    public <T> T pick(List<T> replicas, ToIntFunction<? super T> outstanding) {
        int n = replicas.size();
        if (n == 1) {
            return replicas.getFirst();
        }
        int first = random.applyAsInt(n);
        int second = random.applyAsInt(n - 1);
        if (second >= first) {
            second++; // two distinct replicas
        }
        T a = replicas.get(first);
        T b = replicas.get(second);
        return outstanding.applyAsInt(b) < outstanding.applyAsInt(a) ? b : a;
    }
}
