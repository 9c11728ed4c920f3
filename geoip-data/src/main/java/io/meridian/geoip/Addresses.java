package io.meridian.geoip;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv6 forms that carry an IPv4 address, unwrapped so that they are classified and looked up as that address. */
final class Addresses {

    private Addresses() {
    }

    /**
     * The IPv4 address carried by an IPv4-mapped ({@code ::ffff:0:0/96}), IPv4-compatible
     * ({@code ::/96}, except {@code ::} and {@code ::1}) or NAT64 well-known-prefix
     * ({@code 64:ff9b::/96}, RFC 6052) IPv6 address; any other address unchanged.
     */
    static InetAddress canonical(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] bytes = address.getAddress();
        if (carriesIpv4(bytes)) {
            try {
                return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
            } catch (UnknownHostException impossible) {
                throw new AssertionError("four bytes are always an IPv4 address", impossible);
            }
        }
        return address;
    }

    private static boolean carriesIpv4(byte[] b) {
        if (allZero(b, 0, 10)) {
            if ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return true; // ::ffff:a.b.c.d, IPv4-mapped
            }
            if (b[10] == 0 && b[11] == 0) {
                // ::a.b.c.d, IPv4-compatible (deprecated); :: and ::1 are IPv6's own unspecified and loopback
                return !allZero(b, 12, 15) || (b[15] & 0xff) > 1;
            }
            return false;
        }
        // 64:ff9b::a.b.c.d, the NAT64 well-known prefix
        return b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
