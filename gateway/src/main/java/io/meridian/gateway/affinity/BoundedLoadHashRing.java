package io.meridian.gateway.affinity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2016).
 *
 * <p>Design note: each member sits on a hash ring at {@code virtualNodes} points. A key hashes to a
 * point and walks clockwise to the first member whose load is below the bound
 * {@code ceil(loadFactor * (totalLoad + 1) / members)}. While loads are even this is plain
 * consistent hashing, so a session keeps reaching the same warm replica and adding or removing a
 * replica moves only about {@code 1/n} of the keys. When one key is hot, its overflow walks on to
 * the next members instead of piling onto one: no member ever carries more than
 * {@code loadFactor} times the average (plus one). The cost is a walk past full members, at most
 * one lap of the ring, which for tens of replicas and a few hundred points is a few cache lines.
 *
 * <p>Immutable and thread-safe; loads are read through the function passed to {@link #pick}.
 *
 * @param <T> the member type, e.g. a replica's base URI
 */
public final class BoundedLoadHashRing<T> {

    private final List<T> members;
    private final long[] points;    // sorted hash points
    private final int[] owners;     // owners[i] is the member index at points[i]
    private final double loadFactor;

    /**
     * @param members      the replicas, at least one, no duplicates
     * @param virtualNodes points per member on the ring (more points, more even shares)
     * @param loadFactor   how far above the average load one member may go, e.g. 1.25; at least 1
     */
    public BoundedLoadHashRing(List<T> members, int virtualNodes, double loadFactor) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a hash ring needs at least one member");
        }
        if (virtualNodes < 1) {
            throw new IllegalArgumentException("virtualNodes must be at least 1, but was " + virtualNodes);
        }
        if (!(loadFactor >= 1.0)) {
            throw new IllegalArgumentException("loadFactor must be at least 1.0, but was " + loadFactor);
        }
        this.members = List.copyOf(members);
        this.loadFactor = loadFactor;
        int size = members.size() * virtualNodes;
        long[][] pairs = new long[size][2];
        int n = 0;
        for (int m = 0; m < members.size(); m++) {
            String name = String.valueOf(members.get(m));
            for (int v = 0; v < virtualNodes; v++) {
                pairs[n][0] = hash(name + "#" + v);
                pairs[n][1] = m;
                n++;
            }
        }
        Arrays.sort(pairs, (a, b) -> Long.compareUnsigned(a[0], b[0]));
        this.points = new long[size];
        this.owners = new int[size];
        for (int i = 0; i < size; i++) {
            points[i] = pairs[i][0];
            owners[i] = (int) pairs[i][1];
        }
    }

    /**
     * The member for {@code key}: its ring successor, or the next one clockwise that is under the
     * load bound.
     *
     * @param load current load of a member (outstanding requests); read once per member visited
     */
    public T pick(String key, ToIntFunction<? super T> load) {
        int n = members.size();
        if (n == 1) {
            return members.getFirst();
        }
        int total = 0;
        int[] loads = new int[n];
        for (int m = 0; m < n; m++) {
            loads[m] = Math.max(0, load.applyAsInt(members.get(m)));
            total += loads[m];
        }
        int bound = (int) Math.ceil(loadFactor * (total + 1) / n);
        int start = successor(hash(key));
        boolean[] visited = new boolean[n];
        int seen = 0;
        for (int i = 0; i < points.length && seen < n; i++) {
            int owner = owners[(start + i) % points.length];
            if (visited[owner]) {
                continue;
            }
            visited[owner] = true;
            seen++;
            if (loads[owner] < bound) {
                return members.get(owner);
            }
        }
        // Unreachable when loads are consistent (some member is always below the bound), but loads
        // change concurrently: fall back to the plain successor.
        return members.get(owners[start]);
    }

    /** The member a key maps to when nobody is loaded: plain consistent hashing. */
    public T owner(String key) {
        return members.get(owners[successor(hash(key))]);
    }

    public List<T> members() {
        return members;
    }

    private int successor(long hash) {
        int low = 0;
        int high = points.length - 1;
        if (Long.compareUnsigned(hash, points[high]) > 0) {
            return 0;
        }
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(points[mid], hash) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, finished with SplitMix64's mixer for avalanche. */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
