package io.meridian.gateway.dashboard;

import io.meridian.protocol.QueueSnapshot;
import java.util.Arrays;

/**
 * The last {@code capacity} samples of one queue, oldest overwritten first.
 *
 * <p>Design note: a ring of primitive columns rather than a list of sample objects: at the default
 * 15 minutes every 2 s it is 450 slots per column, allocated once, and a poll writes into them
 * without allocating. The history lives in the gateway's memory only; the regions hold the truth,
 * so a restarted gateway loses the charts' past minutes and nothing else. One writer (the
 * aggregator's poll) and many readers (dashboard requests) meet on this object's monitor.
 */
final class QueueHistory {

    private final long[] at;
    private final int[] depth;
    private final int[] inFlight;
    private final int[] workers;
    private final long[] completed;
    private final long[] failed;
    private int next;
    private int size;

    QueueHistory(int capacity) {
        this.at = new long[capacity];
        this.depth = new int[capacity];
        this.inFlight = new int[capacity];
        this.workers = new int[capacity];
        this.completed = new long[capacity];
        this.failed = new long[capacity];
    }

    synchronized void add(long epochMillis, QueueSnapshot sample) {
        at[next] = epochMillis;
        depth[next] = sample.depth();
        inFlight[next] = sample.inFlight();
        workers[next] = sample.workers().current();
        completed[next] = sample.completed();
        failed[next] = sample.failed() + sample.deadLettered();
        next = (next + 1) % at.length;
        size = Math.min(size + 1, at.length);
    }

    /**
     * The samples oldest first. Completions and failures are per interval (differences of the
     * counters; a counter that went down, because the region restarted, gives the new count).
     */
    synchronized Series series() {
        long[] times = new long[size];
        int[] depths = new int[size];
        int[] running = new int[size];
        int[] pool = new int[size];
        long[] done = new long[size];
        long[] errors = new long[size];
        int start = (next - size + at.length) % at.length;
        for (int i = 0; i < size; i++) {
            int slot = (start + i) % at.length;
            int previous = (slot - 1 + at.length) % at.length;
            times[i] = at[slot];
            depths[i] = depth[slot];
            running[i] = inFlight[slot];
            pool[i] = workers[slot];
            done[i] = i == 0 ? 0 : delta(completed[previous], completed[slot]);
            errors[i] = i == 0 ? 0 : delta(failed[previous], failed[slot]);
        }
        return new Series(times, depths, running, pool, done, errors);
    }

    private static long delta(long before, long after) {
        return after >= before ? after - before : after;
    }

    /**
     * A queue's samples, oldest first, one entry per poll in every column.
     *
     * @param at        when each sample was taken, epoch milliseconds
     * @param depth     tasks waiting
     * @param inFlight  tasks running
     * @param workers   pool size
     * @param completed tasks completed since the previous sample
     * @param failed    tasks failed or dead-lettered since the previous sample
     */
    record Series(long[] at, int[] depth, int[] inFlight, int[] workers, long[] completed, long[] failed) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Series that && Arrays.equals(at, that.at) && Arrays.equals(depth, that.depth)
                    && Arrays.equals(inFlight, that.inFlight) && Arrays.equals(workers, that.workers)
                    && Arrays.equals(completed, that.completed) && Arrays.equals(failed, that.failed);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(at);
        }

        @Override
        public String toString() {
            return "Series[" + at.length + " samples]";
        }
    }
}
