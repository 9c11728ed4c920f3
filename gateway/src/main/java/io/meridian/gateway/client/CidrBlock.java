package io.meridian.gateway.client;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 network in CIDR notation, e.g. {@code 10.0.0.0/8} or {@code ::1/128}. A bare
 * address is a single-host block.
 */
public record CidrBlock(InetAddress network, int prefixLength) {

    public CidrBlock {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be within [0, " + bits + "], but was " + prefixLength);
        }
    }

    /**
     * Parses CIDR notation.
     *
     * @throws IllegalArgumentException with the offending text in the message
     */
    public static CidrBlock parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress network = IpLiteral.parse(address);
        if (network == null) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block: '" + address + "' is not an IP literal");
        }
        int bits = network.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR block: the prefix length is not a number");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR block: the prefix length must be within [0, "
                        + bits + "]");
            }
        }
        return new CidrBlock(network, prefix);
    }

    /** Whether {@code address} is inside this block; IPv4-mapped IPv6 addresses count as IPv4. */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (address instanceof Inet6Address && isIpv4Mapped(candidate)) {
            candidate = java.util.Arrays.copyOfRange(candidate, 12, 16);
        }
        byte[] net = network.getAddress();
        if (candidate.length != net.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != net[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (candidate[full] & mask) == (net[full] & mask);
    }

    static boolean isIpv4Mapped(byte[] bytes) {
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
