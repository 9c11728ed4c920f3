package io.meridian.geoip;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The special-purpose address ranges that no client on the internet can come from (IANA IPv4 and
 * IPv6 special-purpose address registries, RFC 6890 and successors), and what each is.
 *
 * <p>Design note: a lookup of such an address in a GeoIP database at best finds nothing and at
 * worst finds whatever a registry once wrote for the block, so these ranges are answered before
 * any database is touched. The table is small (about twenty prefixes), ordered most specific
 * first, and scanned linearly: cheaper than a trie at this size and easy to check against the
 * registries. IPv6 forms that carry an IPv4 address (IPv4-mapped {@code ::ffff:0:0/96},
 * IPv4-compatible {@code ::/96}, NAT64 {@code 64:ff9b::/96}) are classified by that IPv4 address,
 * so {@code ::ffff:10.0.0.1} is {@value #PRIVATE} and {@code ::ffff:8.8.8.8} is not reserved.
 * Everything outside {@code 2000::/3} that has no more specific entry is {@value #RESERVED}:
 * IANA has not allocated it for global unicast.
 *
 * <p>Security note: a reserved source address on a public listener is spoofed, or comes through a
 * proxy that the caller did not declare as trusted; either way it must not pick a region.
 */
public final class ReservedRanges {

    /** {@code 0.0.0.0/32}, {@code ::/128}. */
    public static final String UNSPECIFIED = "unspecified";
    /** {@code 0.0.0.0/8} other than {@code 0.0.0.0}: "this network" (RFC 791). */
    public static final String THIS_NETWORK = "this-network";
    /** {@code 10/8}, {@code 172.16/12}, {@code 192.168/16} (RFC 1918), {@code 64:ff9b:1::/48} (RFC 8215). */
    public static final String PRIVATE = "private";
    /** {@code 100.64/10}: shared address space for carrier-grade NAT (RFC 6598). */
    public static final String CARRIER_GRADE_NAT = "carrier-grade-nat";
    /** {@code 127/8}, {@code ::1/128}. */
    public static final String LOOPBACK = "loopback";
    /** {@code 169.254/16}, {@code fe80::/10}. */
    public static final String LINK_LOCAL = "link-local";
    /** {@code 192.0.0/24}: IETF protocol assignments (RFC 6890). */
    public static final String PROTOCOL_ASSIGNMENTS = "protocol-assignments";
    /** {@code 192.0.2/24}, {@code 198.51.100/24}, {@code 203.0.113/24}, {@code 2001:db8::/32}, {@code 3fff::/20}. */
    public static final String DOCUMENTATION = "documentation";
    /** {@code 198.18/15}, {@code 2001:2::/48}: benchmarking (RFC 2544, RFC 5180). */
    public static final String BENCHMARKING = "benchmarking";
    /** {@code 224/4}, {@code ff00::/8}. */
    public static final String MULTICAST = "multicast";
    /** {@code 240/4} (RFC 1112) and IPv6 space outside {@code 2000::/3} not named otherwise. */
    public static final String RESERVED = "reserved";
    /** {@code 255.255.255.255/32}: limited broadcast. */
    public static final String BROADCAST = "broadcast";
    /** {@code fc00::/7}: unique local addresses (RFC 4193). */
    public static final String UNIQUE_LOCAL = "unique-local";
    /** {@code fec0::/10}: site-local, deprecated by RFC 3879. */
    public static final String SITE_LOCAL = "site-local";
    /** {@code 100::/64}: discard-only (RFC 6666). */
    public static final String DISCARD_ONLY = "discard-only";

    private static final List<Range> IPV4 = List.of(
            Range.of("0.0.0.0/32", UNSPECIFIED),
            Range.of("255.255.255.255/32", BROADCAST),
            Range.of("0.0.0.0/8", THIS_NETWORK),
            Range.of("10.0.0.0/8", PRIVATE),
            Range.of("100.64.0.0/10", CARRIER_GRADE_NAT),
            Range.of("127.0.0.0/8", LOOPBACK),
            Range.of("169.254.0.0/16", LINK_LOCAL),
            Range.of("172.16.0.0/12", PRIVATE),
            Range.of("192.0.0.0/24", PROTOCOL_ASSIGNMENTS),
            Range.of("192.0.2.0/24", DOCUMENTATION),
            Range.of("192.168.0.0/16", PRIVATE),
            Range.of("198.18.0.0/15", BENCHMARKING),
            Range.of("198.51.100.0/24", DOCUMENTATION),
            Range.of("203.0.113.0/24", DOCUMENTATION),
            Range.of("224.0.0.0/4", MULTICAST),
            Range.of("240.0.0.0/4", RESERVED));

    private static final List<Range> IPV6 = List.of(
            Range.of("::/128", UNSPECIFIED),
            Range.of("::1/128", LOOPBACK),
            Range.of("64:ff9b:1::/48", PRIVATE),
            Range.of("100::/64", DISCARD_ONLY),
            Range.of("2001:2::/48", BENCHMARKING),
            Range.of("2001:db8::/32", DOCUMENTATION),
            Range.of("3fff::/20", DOCUMENTATION),
            Range.of("2000::/3", null), // global unicast: the only space a client can come from
            Range.of("fc00::/7", UNIQUE_LOCAL),
            Range.of("fe80::/10", LINK_LOCAL),
            Range.of("fec0::/10", SITE_LOCAL),
            Range.of("ff00::/8", MULTICAST),
            Range.of("::/0", RESERVED));

    private ReservedRanges() {
    }

    /**
     * What kind of reserved address {@code address} is, by the constants of this class.
     *
     * @return the range's name, or empty when the address may belong to a client on the internet
     */
    public static Optional<String> classify(InetAddress address) {
        return Optional.ofNullable(classifyCanonical(Addresses.canonical(address)));
    }

    /** {@link #classify} for an address already passed through {@link Addresses#canonical}. */
    static @Nullable String classifyCanonical(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Range range : bytes.length == 4 ? IPV4 : IPV6) {
            if (range.contains(bytes)) {
                return range.label();
            }
        }
        return null;
    }

    private record Range(byte[] prefix, int length, @Nullable String label) {

        static Range of(String cidr, @Nullable String label) {
            int slash = cidr.indexOf('/');
            byte[] prefix = Cidr.literal(cidr.substring(0, slash)).getAddress();
            return new Range(prefix, Integer.parseInt(cidr.substring(slash + 1)), label);
        }

        boolean contains(byte[] address) {
            int whole = length / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = length % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }
}
