package io.meridian.taskserver.queue;

import io.meridian.protocol.ReadinessDetails;
import io.meridian.taskserver.task.TaskId;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * The life of a region's task store: it begins when the store starts empty (an in-memory store at
 * its process's start, a Redis store when its Redis holds none of the region's data) and lasts as
 * long as the store keeps its tasks. Every task id minted in it names it ({@link TaskId#epoch()}),
 * so a task of another epoch is known to be lost, not unknown; the readiness details report it.
 *
 * @param id        the epoch, {@value io.meridian.protocol.TaskId#EPOCH_LENGTH} Crockford base32
 *                  characters
 * @param startedAt when the store began it
 * @param store     {@value ReadinessDetails#STORE_MEMORY} or {@value ReadinessDetails#STORE_REDIS}
 */
public record StoreEpoch(String id, Instant startedAt, String store) {

    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException if {@code id} is not an epoch or {@code store} is neither store
     */
    public StoreEpoch {
        if (!io.meridian.protocol.TaskId.isEpoch(id)) {
            throw new IllegalArgumentException("epoch must be " + io.meridian.protocol.TaskId.EPOCH_LENGTH
                    + " Crockford base32 characters, but was '" + id + "'");
        }
        if (!ReadinessDetails.STORE_MEMORY.equals(store) && !ReadinessDetails.STORE_REDIS.equals(store)) {
            throw new IllegalArgumentException("store must be '" + ReadinessDetails.STORE_MEMORY + "' or '"
                    + ReadinessDetails.STORE_REDIS + "', but was '" + store + "'");
        }
    }

    /**
     * A new epoch.
     *
     * @param startedAt when it begins
     * @param store     which store's
     * @param random    the source of its characters
     * @return the epoch
     */
    public static StoreEpoch begin(Instant startedAt, String store, RandomGenerator random) {
        return new StoreEpoch(io.meridian.protocol.TaskId.newEpoch(random), startedAt, store);
    }

    /**
     * Whether a task id was minted in another epoch of this store, so its task was lost with that
     * epoch's store. An id without an epoch is not known to be another's.
     *
     * @param task a task id of this region
     * @return {@code true} if it names an epoch other than this one
     */
    public boolean lost(TaskId task) {
        return task.epoch().filter(epoch -> !epoch.equals(id)).isPresent();
    }

    /**
     * How the store came to start anew, for a client's message.
     *
     * @return e.g. {@code the task server restarted with its queues in memory}
     */
    public String cause() {
        return ReadinessDetails.STORE_MEMORY.equals(store) ? "the task server restarted with its queues in memory"
                : "its Redis lost the region's data";
    }
}
