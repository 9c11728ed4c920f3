package io.meridian.gateway.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BoundedLoadHashRingTests {

    static List<String> replicas(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("http://10.0.0." + (i + 1) + ":9000");
        }
        return out;
    }

    @Test
    void aSessionKeepsItsReplicaWhileLoadsAreEven() {
        BoundedLoadHashRing<String> ring = new BoundedLoadHashRing<>(replicas(4), 160, 1.25);

        String first = ring.pick("conversation-42", r -> 0);
        for (int i = 0; i < 100; i++) {
            assertThat(ring.pick("conversation-42", r -> 0)).isEqualTo(first);
        }
        assertThat(ring.owner("conversation-42")).isEqualTo(first);
    }

    @Test
    void keysSpreadEvenlyOverReplicas() {
        BoundedLoadHashRing<String> ring = new BoundedLoadHashRing<>(replicas(5), 160, 1.25);
        Map<String, Integer> counts = new HashMap<>();

        for (int i = 0; i < 100_000; i++) {
            counts.merge(ring.owner("session-" + i), 1, Integer::sum);
        }

        assertThat(counts).hasSize(5);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(15_000, 25_000));
    }

    @Property(tries = 50)
    void removingAReplicaMovesOnlyTheKeysItOwned(@ForAll @IntRange(min = 2, max = 12) int n,
            @ForAll @IntRange(min = 0, max = 11) int removedIndex) {
        List<String> all = replicas(n);
        String removed = all.get(removedIndex % n);
        List<String> rest = new ArrayList<>(all);
        rest.remove(removed);
        BoundedLoadHashRing<String> before = new BoundedLoadHashRing<>(all, 100, 1.25);
        BoundedLoadHashRing<String> after = new BoundedLoadHashRing<>(rest, 100, 1.25);

        for (int i = 0; i < 2_000; i++) {
            String key = "k" + i;
            String owner = before.owner(key);
            if (!owner.equals(removed)) {
                assertThat(after.owner(key)).as(key).isEqualTo(owner);
            }
        }
    }

    /**
     * The bound holds whatever the key mix: even when most requests carry one hot key, no replica
     * takes more than loadFactor times the average (rounded up, plus the request being placed).
     */
    @Property(tries = 100)
    void noReplicaExceedsTheLoadBound(@ForAll @IntRange(min = 2, max = 10) int n,
            @ForAll @DoubleRange(min = 1.0, max = 2.0) double loadFactor,
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double hotShare, @ForAll long seed) {
        List<String> members = replicas(n);
        BoundedLoadHashRing<String> ring = new BoundedLoadHashRing<>(members, 50, loadFactor);
        Map<String, Integer> load = new HashMap<>();
        members.forEach(m -> load.put(m, 0));
        SplittableRandom random = new SplittableRandom(seed);

        for (int placed = 0; placed < 500; placed++) {
            String key = random.nextDouble() < hotShare ? "hot" : "key-" + random.nextInt(1_000);
            String chosen = ring.pick(key, load::get);
            int bound = (int) Math.ceil(loadFactor * (placed + 1) / n);
            assertThat(load.get(chosen)).as("load of %s before placing request %d", chosen, placed).isLessThan(bound);
            load.merge(chosen, 1, Integer::sum);
        }
    }

    @Test
    void aHotKeyOverflowsToTheNextReplicaInsteadOfPilingUp() {
        BoundedLoadHashRing<String> ring = new BoundedLoadHashRing<>(replicas(4), 100, 1.25);
        Map<String, Integer> load = new HashMap<>();
        replicas(4).forEach(m -> load.put(m, 0));

        for (int i = 0; i < 400; i++) {
            load.merge(ring.pick("the-one-hot-session", load::get), 1, Integer::sum);
        }

        assertThat(load.values()).allSatisfy(l -> assertThat(l).isLessThanOrEqualTo(126));
        assertThat(load.get(ring.owner("the-one-hot-session"))).isGreaterThanOrEqualTo(100);
    }

    @Test
    void rejectsAnEmptyRingAndAFactorBelowOne() {
        assertThatThrownBy(() -> new BoundedLoadHashRing<>(List.of(), 10, 1.25))
                .hasMessage("a hash ring needs at least one member");
        assertThatThrownBy(() -> new BoundedLoadHashRing<>(replicas(2), 10, 0.9))
                .hasMessage("loadFactor must be at least 1.0, but was 0.9");
    }
}
