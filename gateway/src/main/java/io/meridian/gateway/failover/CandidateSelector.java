package io.meridian.gateway.failover;

import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import java.util.List;

/**
 * Decides the order in which regions are tried for one request.
 *
 * <p>The seam for rules that narrow or reorder candidates: a residency rule that keeps only the
 * regions of one zone is a selector wrapping this one. Implementations must return each region at
 * most once, and should keep the proximity order wherever no other rule applies.
 */
public interface CandidateSelector {

    /** The regions to try, first choice first; may be shorter than {@code ranked}, never longer. */
    List<Region> order(List<RankedRegion> ranked);
}
