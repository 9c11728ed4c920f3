package io.meridian.gateway.failover;

import io.meridian.gateway.affinity.BoundedLoadHashRing;
import io.meridian.gateway.affinity.TwoChoicesPicker;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.region.Region;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Orders a region's replicas for one request.
 *
 * <p>Design note: only replicas the health view shows up compete for the first place (when none
 * is up, all of them do, in case the view is stale). A request with a session key gets the replica
 * that consistent hashing with bounded load assigns it ({@link BoundedLoadHashRing}): the same warm
 * replica for the whole conversation, unless that replica already carries more than
 * {@code loadFactor} times the average, the cure for hot sessions. Without a key, the power of two
 * choices on outstanding requests ({@link TwoChoicesPicker}). The other replicas follow, least
 * outstanding first, then the ones that are down: that is the order failover tries inside the
 * region. Rings are built once per set of healthy replicas and cached; membership changes only when
 * health does.
 */
final class AffinityEndpointPicker implements EndpointPicker {

    private final HealthRegistry health;
    private final EndpointLoad load;
    private final int virtualNodes;
    private final double loadFactor;
    private final TwoChoicesPicker twoChoices;
    private final Map<List<URI>, BoundedLoadHashRing<URI>> rings = new ConcurrentHashMap<>();

    AffinityEndpointPicker(HealthRegistry health, EndpointLoad load, int virtualNodes, double loadFactor,
            TwoChoicesPicker twoChoices) {
        this.health = health;
        this.load = load;
        this.virtualNodes = virtualNodes;
        this.loadFactor = loadFactor;
        this.twoChoices = twoChoices;
    }

    @Override
    public List<URI> endpoints(Region region, @Nullable String sessionKey) {
        List<URI> all = region.endpoints();
        if (all.size() == 1) {
            return all;
        }
        List<URI> up = new ArrayList<>(all.size());
        List<URI> down = new ArrayList<>();
        for (URI endpoint : all) {
            (health.isHealthy(endpoint) ? up : down).add(endpoint);
        }
        if (up.isEmpty()) {
            up.addAll(down);
            down.clear();
        }
        URI first = sessionKey != null
                ? rings.computeIfAbsent(List.copyOf(up), members -> new BoundedLoadHashRing<>(members, virtualNodes, loadFactor))
                        .pick(sessionKey, load::outstanding)
                : twoChoices.pick(up, load::outstanding);
        List<URI> ordered = new ArrayList<>(all.size());
        ordered.add(first);
        up.remove(first);
        up.sort(Comparator.comparingInt(load::outstanding));
        ordered.addAll(up);
        ordered.addAll(down);
        return ordered;
    }
}
