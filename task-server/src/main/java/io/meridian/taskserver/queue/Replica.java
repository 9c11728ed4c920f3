package io.meridian.taskserver.queue;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One process sharing a region's queues, as {@link TaskQueue#replicas()} lists it.
 *
 * @param name        its consumer name, unique in the region
 * @param host        the host it runs on
 * @param pid         its process id there
 * @param startedAt   when it started
 * @param lastSeen    when it last reported itself alive, by the backend's clock
 * @param live        {@code true} if it reported within the replica timeout; a replica that did not
 *                    is lost: its attempts are taken back and it is forgotten a while later
 * @param housekeeper {@code true} if it holds the housekeeping lease now
 * @param load        its load at its last heartbeat, or {@code null} before it reported one
 */
public record Replica(String name, String host, long pid, Instant startedAt, Instant lastSeen, boolean live,
        boolean housekeeper, @Nullable ReplicaLoad load) {
}
