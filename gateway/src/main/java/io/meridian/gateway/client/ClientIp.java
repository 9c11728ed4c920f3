package io.meridian.gateway.client;

import java.net.InetAddress;

/**
 * Who the gateway believes the client is.
 *
 * @param address the client address
 * @param hops    how many forwarding-header entries were walked to find it (0: the socket peer)
 */
public record ClientIp(InetAddress address, int hops) {
}
