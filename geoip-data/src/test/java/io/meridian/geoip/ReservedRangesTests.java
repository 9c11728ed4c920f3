package io.meridian.geoip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

class ReservedRangesTests {

    /**
     * IPv4 ranges as first/last address, written out independently of the implementation's
     * prefix table, with what the addresses right below and above them are.
     */
    record V4Case(String name, long first, long last, String label, @Nullable String below, @Nullable String above) {
        long size() {
            return last - first + 1;
        }
    }

    static final List<V4Case> IPV4 = List.of(
            v4("0.0.0.0", "0.0.0.0", "unspecified", null, "this-network"),
            v4("0.0.0.1", "0.255.255.255", "this-network", "unspecified", null),
            v4("10.0.0.0", "10.255.255.255", "private", null, null),
            v4("100.64.0.0", "100.127.255.255", "carrier-grade-nat", null, null),
            v4("127.0.0.0", "127.255.255.255", "loopback", null, null),
            v4("169.254.0.0", "169.254.255.255", "link-local", null, null),
            v4("172.16.0.0", "172.31.255.255", "private", null, null),
            v4("192.0.0.0", "192.0.0.255", "protocol-assignments", null, null),
            v4("192.0.2.0", "192.0.2.255", "documentation", null, null),
            v4("192.168.0.0", "192.168.255.255", "private", null, null),
            v4("198.18.0.0", "198.19.255.255", "benchmarking", null, null),
            v4("198.51.100.0", "198.51.100.255", "documentation", null, null),
            v4("203.0.113.0", "203.0.113.255", "documentation", null, null),
            v4("224.0.0.0", "239.255.255.255", "multicast", null, "reserved"),
            v4("240.0.0.0", "255.255.255.254", "reserved", "multicast", "broadcast"),
            v4("255.255.255.255", "255.255.255.255", "broadcast", "reserved", null));

    @Provide
    Arbitrary<V4Case> ipv4Ranges() {
        return Arbitraries.of(IPV4);
    }

    @Property
    void everyAddressInsideAnIpv4RangeHasItsLabel(@ForAll("ipv4Ranges") V4Case range, @ForAll long random) {
        long address = range.first() + Math.floorMod(random, range.size());

        assertThat(ReservedRanges.classify(v4(address))).as(range.name()).contains(range.label());
    }

    @Property
    void theAddressesJustOutsideAnIpv4RangeAreWhatTheirOwnRangeSays(@ForAll("ipv4Ranges") V4Case range) {
        if (range.first() > 0) {
            assertThat(ReservedRanges.classify(v4(range.first() - 1))).as("below " + range.name())
                    .isEqualTo(Optional.ofNullable(range.below()));
        }
        if (range.last() < 0xFFFF_FFFFL) {
            assertThat(ReservedRanges.classify(v4(range.last() + 1))).as("above " + range.name())
                    .isEqualTo(Optional.ofNullable(range.above()));
        }
    }

    @Property(tries = 5_000)
    void anyIpv4AddressIsClassifiedExactlyAsTheRangeTableSays(@ForAll int bits) {
        long address = Integer.toUnsignedLong(bits);
        Optional<String> expected = IPV4.stream()
                .filter(range -> range.first() <= address && address <= range.last())
                .map(V4Case::label)
                .findFirst();

        assertThat(ReservedRanges.classify(v4(address))).isEqualTo(expected);
    }

    @Property
    void ipv6FormsCarryingAnIpv4AddressAreClassifiedByIt(@ForAll int bits) {
        Optional<String> ipv4 = ReservedRanges.classify(v4(Integer.toUnsignedLong(bits)));

        assertThat(ReservedRanges.classify(v6(0, 0xFFFF_0000_0000L | Integer.toUnsignedLong(bits))))
                .as("IPv4-mapped").isEqualTo(ipv4);
        assertThat(ReservedRanges.classify(v6(0x0064_ff9b_0000_0000L, Integer.toUnsignedLong(bits))))
                .as("NAT64").isEqualTo(ipv4);
        if (Integer.toUnsignedLong(bits) > 1) { // ::0.0.0.0 and ::0.0.0.1 are IPv6's :: and ::1
            assertThat(ReservedRanges.classify(v6(0, Integer.toUnsignedLong(bits))))
                    .as("IPv4-compatible").isEqualTo(ipv4);
        }
    }

    record V6Case(String prefix, int length, @Nullable String label) {
    }

    static final List<V6Case> IPV6 = List.of(
            new V6Case("fc00::", 7, "unique-local"),
            new V6Case("fe80::", 10, "link-local"),
            new V6Case("fec0::", 10, "site-local"),
            new V6Case("ff00::", 8, "multicast"),
            new V6Case("2001:db8::", 32, "documentation"),
            new V6Case("3fff::", 20, "documentation"),
            new V6Case("2001:2::", 48, "benchmarking"),
            new V6Case("100::", 64, "discard-only"),
            new V6Case("64:ff9b:1::", 48, "private"),
            // unallocated by IANA: everything outside 2000::/3 with no more specific purpose
            new V6Case("4000::", 2, "reserved"),
            new V6Case("8000::", 2, "reserved"),
            new V6Case("c000::", 3, "reserved"),
            new V6Case("e000::", 4, "reserved"),
            new V6Case("f000::", 5, "reserved"),
            new V6Case("f800::", 6, "reserved"),
            new V6Case("fe00::", 9, "reserved"),
            // global unicast that clients come from
            new V6Case("2400::", 6, null),
            new V6Case("2a00::", 8, null),
            new V6Case("2600::", 7, null));

    @Provide
    Arbitrary<V6Case> ipv6Ranges() {
        return Arbitraries.of(IPV6);
    }

    @Property
    void everyAddressInsideAnIpv6RangeHasItsLabel(@ForAll("ipv6Ranges") V6Case range, @ForAll long high,
                                                  @ForAll long low) {
        InetAddress address = inside(range.prefix(), range.length(), high, low);

        assertThat(ReservedRanges.classify(address)).as(address.getHostAddress())
                .isEqualTo(Optional.ofNullable(range.label()));
    }

    @Example
    void theAddressesJustOutsideIpv6SpecialRangesAreNotInThem() {
        assertThat(ReservedRanges.classify(literal("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"))).isEmpty();
        assertThat(ReservedRanges.classify(literal("2001:db9::"))).isEmpty();
        assertThat(ReservedRanges.classify(literal("3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isEmpty();
        assertThat(ReservedRanges.classify(literal("3fff:1000::"))).isEmpty();
        assertThat(ReservedRanges.classify(literal("2001:1:ffff:ffff:ffff:ffff:ffff:ffff"))).isEmpty();
        assertThat(ReservedRanges.classify(literal("2001:2:1::"))).isEmpty();
        assertThat(ReservedRanges.classify(literal("1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).contains("reserved");
        assertThat(ReservedRanges.classify(literal("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).contains("reserved");
        assertThat(ReservedRanges.classify(literal("fe00::"))).contains("reserved");
        assertThat(ReservedRanges.classify(literal("100:0:0:1::"))).contains("reserved");
    }

    @Example
    void ipv6LoopbackAndUnspecifiedAreTheirOwn() {
        assertThat(ReservedRanges.classify(literal("::1"))).contains("loopback");
        assertThat(ReservedRanges.classify(literal("::"))).contains("unspecified");
    }

    @Example
    void wellKnownPublicAddressesAreNotReserved() {
        assertThat(ReservedRanges.classify(literal("8.8.8.8"))).isEmpty();
        assertThat(ReservedRanges.classify(literal("2001:4860:4860::8888"))).isEmpty();
        assertThat(ReservedRanges.classify(literal("64:ff9b::808:808"))).isEmpty();
        assertThat(ReservedRanges.classify(v6(0, 0xFFFF_0808_0808L))).isEmpty();
    }

    private static V4Case v4(String first, String last, String label, @Nullable String below, @Nullable String above) {
        return new V4Case(first + "-" + last, toLong(literal(first)), toLong(literal(last)), label, below, above);
    }

    private static long toLong(InetAddress address) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(address.getAddress()).getInt());
    }

    private static InetAddress v4(long address) {
        try {
            return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt((int) address).array());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A genuine {@link Inet6Address}, even for IPv4-mapped bits (which InetAddress.getByAddress would turn into IPv4). */
    private static InetAddress v6(long high, long low) {
        try {
            return Inet6Address.getByAddress(null, ByteBuffer.allocate(16).putLong(high).putLong(low).array(), -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress inside(String prefix, int length, long high, long low) {
        ByteBuffer base = ByteBuffer.wrap(literal(prefix).getAddress());
        long baseHigh = base.getLong();
        long baseLow = base.getLong();
        long maskHigh = length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
        long maskLow = length <= 64 ? 0 : -1L << (128 - length);
        return v6((baseHigh & maskHigh) | (high & ~maskHigh), (baseLow & maskLow) | (low & ~maskLow));
    }

    private static InetAddress literal(String literal) {
        return Cidr.literal(literal);
    }
}
