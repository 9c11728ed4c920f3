package io.meridian.gateway.failover;

import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders the proximity ranking by health, circuit state and load.
 *
 * <p>Design note: three tiers, each keeping proximity order unless said otherwise.
 * <ol>
 *   <li>Usable: healthy, circuit not open, not full.</li>
 *   <li>Full: healthy and circuit not open, but at or over capacity, least loaded first. A full
 *       region spills its traffic to the next one; when all are full the least loaded takes it.</li>
 *   <li>Doubtful: no healthy endpoint, or circuit open. Kept at the end rather than dropped, so a
 *       stale or wrong health view degrades to "try them in order" instead of a total outage; an
 *       open circuit still refuses the attempt at once when its turn comes.</li>
 * </ol>
 * "Full" uses the region's own last load report (in-flight against its capacity) when it has a
 * fresh one, else the gateway's own in-flight requests against the region's configured capacity.
 * Regions are few, so the per-request cost is a pass over a short list and no caching.
 */
final class HealthAwareCandidateSelector implements CandidateSelector {

    private final HealthRegistry health;
    private final RegionGuards guards;

    HealthAwareCandidateSelector(HealthRegistry health, RegionGuards guards) {
        this.health = health;
        this.guards = guards;
    }

    @Override
    public List<Region> order(List<RankedRegion> ranked) {
        List<Region> usable = new ArrayList<>(ranked.size());
        List<Loaded> full = new ArrayList<>();
        List<Region> doubtful = new ArrayList<>();
        for (RankedRegion candidate : ranked) {
            Region region = candidate.region();
            if (!health.isHealthy(region) || guards.circuitOpen(region)) {
                doubtful.add(region);
                continue;
            }
            double load = load(region);
            if (load >= 1.0) {
                full.add(new Loaded(region, load));
            } else {
                usable.add(region);
            }
        }
        // List.sort is stable: equally loaded regions keep proximity order.
        full.sort(Comparator.comparingDouble(Loaded::load));
        for (Loaded loaded : full) {
            usable.add(loaded.region);
        }
        usable.addAll(doubtful);
        return usable;
    }

    /** In-flight over capacity: 1.0 or more means full. */
    private double load(Region region) {
        LoadReport report = health.load(region);
        Integer inFlight = report.inFlight();
        Integer capacity = report.capacity();
        if (inFlight != null && capacity != null && capacity > 0) {
            return inFlight / (double) capacity;
        }
        return guards.inFlight(region) / (double) region.capacity();
    }

    private record Loaded(Region region, double load) {
    }
}
