package io.meridian.taskserver.queue;

/**
 * One replica's load, as it reports it with its heartbeats.
 *
 * @param inFlight tasks it has accepted and not yet finished
 * @param capacity how many it accepts at most
 */
public record ReplicaLoad(int inFlight, int capacity) {
}
