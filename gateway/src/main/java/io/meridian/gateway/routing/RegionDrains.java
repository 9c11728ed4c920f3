package io.meridian.gateway.routing;

import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Regions an operator has drained: the gateway sends them no new work, while requests for tasks
 * that live there (task-id affinity) still reach them, so running and queued work can be
 * followed to its end.
 *
 * <p>Design note: the state is in this gateway's memory; with a shared Redis, {@link SharedDrains}
 * keeps it the same on every gateway. Without one, draining is an operator's short-lived action on
 * one gateway, and a restart that forgets it errs on the side of serving. The request path pays
 * one volatile read while nothing is drained; only while a region is drained does it copy the
 * candidate list without it.
 */
public final class RegionDrains {

    private final Set<String> known;

    private final Set<String> drained = ConcurrentHashMap.newKeySet();

    private volatile boolean any;

    public RegionDrains(RegionCatalog catalog) {
        this.known = Set.copyOf(catalog.regions().stream().map(Region::id).toList());
    }

    /**
     * Drains or undrains a region.
     *
     * @param region  a region id of the catalog
     * @param drained whether it should get no new work
     * @return whether the region is known (nothing changes otherwise)
     */
    public synchronized boolean set(String region, boolean drained) {
        if (!known.contains(region)) {
            return false;
        }
        if (drained) {
            this.drained.add(region);
        }
        else {
            this.drained.remove(region);
        }
        any = !this.drained.isEmpty();
        return true;
    }

    /** Whether {@code region} is a region of the catalog. */
    public boolean isKnown(String region) {
        return known.contains(region);
    }

    /** Makes the drained regions exactly the known ones of {@code regions} (as Redis holds them). */
    public synchronized void replaceAll(Set<String> regions) {
        drained.retainAll(regions);
        for (String region : regions) {
            if (known.contains(region)) {
                drained.add(region);
            }
        }
        any = !drained.isEmpty();
    }

    /** Whether any region is drained: one volatile read, for the request path. */
    boolean isAnyDrained() {
        return any;
    }

    /** Whether the region gets no new work. */
    public boolean isDrained(String region) {
        return any && drained.contains(region);
    }

    /** 1 when the region is drained, else 0: the value of the {@code meridian.region.drained} gauge. */
    public double gauge(String region) {
        return isDrained(region) ? 1 : 0;
    }

    /** The ranked candidates without the drained regions; the same list when none is drained. */
    List<RankedRegion> withoutDrained(List<RankedRegion> candidates) {
        if (!any) {
            return candidates;
        }
        List<RankedRegion> kept = new ArrayList<>(candidates.size());
        for (RankedRegion candidate : candidates) {
            if (!drained.contains(candidate.region().id())) {
                kept.add(candidate);
            }
        }
        return kept;
    }

    /** The drained regions now, for display. */
    public Map<String, Boolean> snapshot() {
        Map<String, Boolean> all = new java.util.TreeMap<>();
        known.forEach(id -> all.put(id, drained.contains(id)));
        return all;
    }
}
