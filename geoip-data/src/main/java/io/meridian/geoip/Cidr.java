package io.meridian.geoip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Address literals, parsed without ever asking DNS. */
final class Cidr {

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private Cidr() {
    }

    /**
     * Parses an IPv4 or IPv6 literal.
     *
     * @throws IllegalArgumentException when {@code literal} is not an address literal; a host name
     *                                  is rejected, not resolved
     */
    static InetAddress literal(String literal) {
        boolean ipv6 = literal.indexOf(':') >= 0 && literal.chars().allMatch(Cidr::isIpv6Char);
        if (!ipv6 && !IPV4.matcher(literal).matches()) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address literal");
        }
        try {
            // a dotted quad or a string with a colon is parsed as a literal and never resolved
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address literal", e);
        }
    }

    private static boolean isIpv6Char(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
    }
}
