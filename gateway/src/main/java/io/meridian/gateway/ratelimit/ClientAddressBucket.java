package io.meridian.gateway.ratelimit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The bucket name of a client known by its address: the network it belongs to, at the configured
 * prefix length per address family.
 *
 * <p>Security note: one IPv6 subscriber is routinely given a whole /64 (often a /56 or /48), and
 * picking a fresh address inside it costs nothing, so a bucket per IPv6 address is no limit at
 * all. Buckets are therefore per /64 by default. A shorter prefix catches clients that own more
 * space, at the price of one bucket for every subscriber of a provider that hands out /64s from
 * one /48. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}, as a dual-stack socket reports an
 * IPv4 peer) are IPv4 clients and count as such, so that one client cannot hold two buckets.
 */
final class ClientAddressBucket {

    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;

    /**
     * @param ipv4PrefixLength network bits that name an IPv4 client, within [1, 32]
     * @param ipv6PrefixLength network bits that name an IPv6 client, within [1, 128]
     */
    ClientAddressBucket(int ipv4PrefixLength, int ipv6PrefixLength) {
        if (ipv4PrefixLength < 1 || ipv4PrefixLength > 32) {
            throw new IllegalArgumentException("ipv4PrefixLength must be within [1, 32], but was " + ipv4PrefixLength);
        }
        if (ipv6PrefixLength < 1 || ipv6PrefixLength > 128) {
            throw new IllegalArgumentException("ipv6PrefixLength must be within [1, 128], but was " + ipv6PrefixLength);
        }
        this.ipv4PrefixLength = ipv4PrefixLength;
        this.ipv6PrefixLength = ipv6PrefixLength;
    }

    /**
     * The bucket of {@code address}: {@code ip:} and the address itself at a full-length prefix,
     * else {@code ip:} and the network in CIDR notation, e.g. {@code ip:2001:db8:1:2:0:0:0:0/64}.
     */
    String of(InetAddress address) {
        byte[] bytes = address.getAddress();
        int prefix;
        if (address instanceof Inet6Address && isIpv4Mapped(bytes)) {
            bytes = new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
            prefix = ipv4PrefixLength;
        } else {
            prefix = address instanceof Inet4Address ? ipv4PrefixLength : ipv6PrefixLength;
        }
        int bits = bytes.length * 8;
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.clamp(prefix - i * 8L, 0, 8);
            bytes[i] = (byte) (bytes[i] & (0xff00 >> keep));
        }
        String network;
        try {
            network = InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException impossible) {
            throw new AssertionError("4 or 16 bytes are always an address", impossible);
        }
        return prefix == bits ? "ip:" + network : "ip:" + network + "/" + prefix;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
