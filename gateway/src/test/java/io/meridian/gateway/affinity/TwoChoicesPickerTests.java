package io.meridian.gateway.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TwoChoicesPickerTests {

    @Test
    void sendsToTheLessLoadedOfTwoDistinctReplicas() {
        int[] draws = {0, 0}; // first draw 0, second draw 0 -> shifted to 1: replicas a and b
        int[] next = {0};
        TwoChoicesPicker picker = new TwoChoicesPicker(bound -> draws[next[0]++]);
        Map<String, Integer> outstanding = Map.of("a", 5, "b", 2, "c", 0);

        assertThat(picker.pick(List.of("a", "b", "c"), outstanding::get)).isEqualTo("b");
    }

    @Test
    void keepsLoadEvenUnderSustainedTraffic() {
        SplittableRandom random = new SplittableRandom(7);
        TwoChoicesPicker picker = new TwoChoicesPicker(random::nextInt);
        List<String> replicas = List.of("a", "b", "c", "d", "e");
        Map<String, Integer> load = new HashMap<>();
        replicas.forEach(r -> load.put(r, 0));

        for (int i = 0; i < 10_000; i++) {
            load.merge(picker.pick(replicas, load::get), 1, Integer::sum);
        }

        int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int min = load.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        assertThat(max - min).isLessThanOrEqualTo(3);
    }
}
