package io.meridian.taskserver.queue;

/**
 * Worker bounds an operator set for a queue's pool on every replica of the region, in place of the
 * configured ones ({@code meridian.queues.<queue>.min-workers}, {@code max-workers}).
 *
 * @param min fewest workers each replica's pool keeps, at least 1
 * @param max most workers each replica's pool runs, at least {@code min}
 */
public record PoolBounds(int min, int max) {

    public PoolBounds {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("pool bounds need 1 <= min <= max, but were " + min + ".." + max);
        }
    }
}
