package io.meridian.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTests {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ConnectionLimiter limiter = new ConnectionLimiter(3, 2, registry);

    static InetSocketAddress peer(String address) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), 40000);
    }

    double refused(String reason) {
        return registry.get("meridian.server.connections.refused").tag("reason", reason).counter().count();
    }

    @Test
    void refusesPastThePerAddressCapAndGivesThePlaceBackOnRelease() throws Exception {
        InetAddress first = limiter.acquire(peer("198.51.100.7"));
        assertThat(limiter.acquire(peer("198.51.100.7"))).isNotNull();

        assertThat(limiter.acquire(peer("198.51.100.7"))).isNull();
        assertThat(refused("max_connections_per_address")).isEqualTo(1);
        assertThat(limiter.open()).isEqualTo(2);

        limiter.release(first);
        assertThat(limiter.acquire(peer("198.51.100.7"))).isNotNull();
    }

    @Test
    void refusesPastTheTotalCapWhateverTheAddress() throws Exception {
        limiter.acquire(peer("198.51.100.1"));
        limiter.acquire(peer("198.51.100.2"));
        limiter.acquire(peer("2001:db8::1"));

        assertThat(limiter.acquire(peer("198.51.100.4"))).isNull();
        assertThat(refused("max_connections")).isEqualTo(1);
        assertThat(limiter.open()).isEqualTo(3);
    }
}
