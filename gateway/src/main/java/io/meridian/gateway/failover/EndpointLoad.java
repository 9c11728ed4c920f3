package io.meridian.gateway.failover;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests this gateway has outstanding to each replica endpoint, for least-request balancing. */
public final class EndpointLoad {

    private final ConcurrentHashMap<URI, AtomicInteger> outstanding = new ConcurrentHashMap<>();

    void started(URI endpoint) {
        outstanding.computeIfAbsent(endpoint, e -> new AtomicInteger()).incrementAndGet();
    }

    void finished(URI endpoint) {
        AtomicInteger counter = outstanding.get(endpoint);
        if (counter != null) {
            counter.decrementAndGet();
        }
    }

    /** Requests in flight to {@code endpoint} right now. */
    public int outstanding(URI endpoint) {
        AtomicInteger counter = outstanding.get(endpoint);
        return counter == null ? 0 : Math.max(0, counter.get());
    }
}
