package io.meridian.gateway.failover;

import io.meridian.region.Region;
import java.net.URI;
import java.util.List;

/**
 * The endpoints a request may be sent to, in the order they are tried: each candidate region (as
 * the {@link CandidateSelector} ordered them) expanded into its replicas (as the
 * {@link EndpointPicker} ordered them).
 */
record AttemptPlan(List<Target> targets) {

    AttemptPlan {
        targets = List.copyOf(targets);
    }

    /** One endpoint of one region. */
    record Target(Region region, URI endpoint) {
    }
}
