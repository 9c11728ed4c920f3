package io.meridian.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.gateway.routing.RegionsIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Connection caps: two per client address, four in all. Clients are told apart by the loopback
 * address they connect from (127.0.0.1, 127.0.0.2, ...: all of 127/8 is the loopback on Linux).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.server.max-connections=4",
        "meridian.server.max-connections-per-address=2",
        "meridian.health.interval=0s"})
class ConnectionCapsIntegrationTests extends RegionsIntegrationTest {

    @Autowired
    MeterRegistry meters;

    @Autowired
    ListenerSettings settings;

    final List<Socket> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (Socket socket : open) {
            socket.close();
        }
    }

    Socket from(String address) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(address), 0);
        open.add(socket);
        return socket;
    }

    /** A connection the gateway kept: it answers a request on it. */
    static void assertServed(Socket socket) throws Exception {
        Sockets.send(socket, "GET /livez HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(Sockets.readAnswer(socket)).startsWith("HTTP/1.1 200");
    }

    @Test
    void connectionsPastTheCapsAreClosedAtOnceAndCounted() throws Exception {
        double perAddressBefore = refused("max_connections_per_address");
        double totalBefore = refused("max_connections");

        Socket first = from("127.0.0.1");
        Socket second = from("127.0.0.1");
        assertServed(first);
        assertServed(second);

        Socket thirdFromTheSameAddress = from("127.0.0.1");
        Sockets.awaitClosed(thirdFromTheSameAddress);
        assertThat(refused("max_connections_per_address")).isEqualTo(perAddressBefore + 1);

        Socket otherClient = from("127.0.0.2");
        Socket otherClientAgain = from("127.0.0.2");
        assertServed(otherClient);
        assertServed(otherClientAgain);

        Socket fifth = from("127.0.0.3");
        Sockets.awaitClosed(fifth);
        assertThat(refused("max_connections")).isEqualTo(totalBefore + 1);

        // A closed connection gives its place back.
        first.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> settings.openConnections() < 4);
        assertServed(from("127.0.0.3"));
    }

    double refused(String reason) {
        var counter = meters.find("meridian.server.connections.refused").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
