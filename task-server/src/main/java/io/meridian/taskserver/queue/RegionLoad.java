package io.meridian.taskserver.queue;

/**
 * The load of every live replica of a region, summed: what the region's readiness reports, so that
 * a gateway asking any one replica sees the whole region.
 *
 * @param inFlight tasks accepted and not yet finished, across the replicas
 * @param capacity the replicas' capacities, summed
 * @param replicas the live replicas counted, this one included
 */
public record RegionLoad(int inFlight, int capacity, int replicas) {
}
