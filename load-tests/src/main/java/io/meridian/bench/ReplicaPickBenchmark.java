package io.meridian.bench;

import io.meridian.gateway.affinity.BoundedLoadHashRing;
import io.meridian.gateway.affinity.TwoChoicesPicker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Choosing a replica inside a region: consistent hashing with bounded load for a session key, and
 * the power of two choices without one. Loads are random and uneven, as under traffic.
 *
 * <p>Run: {@code bin/jmh ReplicaPickBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplicaPickBenchmark {

    @Param({"3", "16"})
    public int replicas;

    private BoundedLoadHashRing<String> ring;
    private final TwoChoicesPicker twoChoices = new TwoChoicesPicker(bound -> ThreadLocalRandom.current().nextInt(bound));
    private List<String> members;
    private java.util.Map<String, Integer> loads;
    private String[] keys;
    private int next;

    @Setup
    public void setUp() {
        members = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            members.add("http://10.0.0." + (i + 1) + ":9000");
        }
        ring = new BoundedLoadHashRing<>(members, 160, 1.25);
        SplittableRandom random = new SplittableRandom(1);
        loads = new java.util.HashMap<>();
        for (String member : members) {
            loads.put(member, random.nextInt(50));
        }
        keys = new String[1024];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "session-" + random.nextLong();
        }
    }

    private int load(String member) {
        return loads.get(member);
    }

    @Benchmark
    public String boundedLoadConsistentHash() {
        String key = keys[next];
        next = (next + 1) & 1023;
        return ring.pick(key, this::load);
    }

    @Benchmark
    public String powerOfTwoChoices() {
        return twoChoices.pick(members, this::load);
    }
}
