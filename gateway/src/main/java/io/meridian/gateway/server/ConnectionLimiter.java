package io.meridian.gateway.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Counts open connections over all of the gateway's listeners, in total and per client address, and
 * refuses the one past either cap.
 *
 * <p>Risk: the per-address count keys on the socket peer. Behind a load balancer or a NAT every
 * client shares one address, so {@code max-connections-per-address} must be raised to the total
 * there; it cannot tell clients apart by forwarded headers, which a connection cannot be refused by
 * before it has sent one.
 */
final class ConnectionLimiter {

    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Counter refusedTotal;
    private final Counter refusedPerAddress;

    ConnectionLimiter(int maxConnections, int maxPerAddress, MeterRegistry registry) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.refusedTotal = refused(registry, "max_connections");
        this.refusedPerAddress = refused(registry, "max_connections_per_address");
    }

    private static Counter refused(MeterRegistry registry, String reason) {
        return Counter.builder("meridian.server.connections.refused").tag("reason", reason)
                .description("Connections closed as soon as they were accepted, because of a connection cap")
                .register(registry);
    }

    /**
     * Takes a place for a new connection from {@code remote}.
     *
     * @return the address to {@link #release} when the connection closes, or {@code null} when it
     *         is refused (and counted as refused)
     */
    @Nullable InetAddress acquire(@Nullable SocketAddress remote) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            refusedTotal.increment();
            return null;
        }
        InetAddress address = remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (address == null) {
            address = InetAddress.getLoopbackAddress(); // a local (Unix domain) socket: one bucket for all
        }
        // Incremented inside compute, so that it cannot land on an entry a concurrent release has
        // just removed.
        AtomicInteger count = perAddress.compute(address, (key, current) -> {
            AtomicInteger next = current == null ? new AtomicInteger() : current;
            next.incrementAndGet();
            return next;
        });
        if (count.get() > maxPerAddress) {
            release(address);
            refusedPerAddress.increment();
            return null;
        }
        return address;
    }

    /** Gives back the place of a connection that {@link #acquire} let in. */
    void release(InetAddress address) {
        open.decrementAndGet();
        // Removes the entry when it drops to zero, so that the map holds only addresses with open
        // connections; compute runs atomically with a concurrent computeIfAbsent for the same key.
        perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** Open connections, for tests and metrics. */
    int open() {
        return open.get();
    }
}
