package io.meridian.gateway.failover;

import io.meridian.region.Region;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides which of a region's replicas get a request, and in which order they are tried.
 *
 * <p>Implementations return each endpoint of the region exactly once, first choice first.
 */
public interface EndpointPicker {

    /**
     * The region's endpoints to try, first choice first; never empty.
     *
     * @param sessionKey the request's session (X-Session-Id or X-Conversation-Id), for affinity; null if none
     */
    List<URI> endpoints(Region region, @Nullable String sessionKey);
}
