package io.meridian.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ClientAddressBucketTests {

    private final ClientAddressBucket defaults = new ClientAddressBucket(32, 64);

    @Test
    void anIpv4ClientIsItsAddress() throws Exception {
        assertThat(defaults.of(InetAddress.getByName("203.0.113.7"))).isEqualTo("ip:203.0.113.7");
        assertThat(defaults.of(InetAddress.getByName("203.0.113.8"))).isEqualTo("ip:203.0.113.8");
    }

    @Test
    void anIpv6ClientIsItsSlash64() throws Exception {
        assertThat(defaults.of(InetAddress.getByName("2001:db8:1:2:aaaa:bbbb:cccc:dddd")))
                .isEqualTo("ip:2001:db8:1:2:0:0:0:0/64");
        assertThat(defaults.of(InetAddress.getByName("2001:db8:1:3::1"))).isEqualTo("ip:2001:db8:1:3:0:0:0:0/64");
    }

    @Test
    void anIpv4MappedIpv6AddressCountsAsTheIpv4Client() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName("203.0.113.7").getAddress(), 0, mapped, 12, 4);
        InetAddress ipv6Object = Inet6Address.getByAddress(null, mapped, -1);

        assertThat(defaults.of(ipv6Object)).isEqualTo("ip:203.0.113.7");
        assertThat(new ClientAddressBucket(24, 64).of(ipv6Object)).isEqualTo("ip:203.0.113.0/24");
    }

    @Test
    void prefixLengthsAreConfigurablePerFamily() throws Exception {
        ClientAddressBucket wide = new ClientAddressBucket(24, 48);

        assertThat(wide.of(InetAddress.getByName("198.51.100.200"))).isEqualTo("ip:198.51.100.0/24");
        assertThat(wide.of(InetAddress.getByName("2001:db8:1:ffff::1"))).isEqualTo("ip:2001:db8:1:0:0:0:0:0/48");
        assertThat(new ClientAddressBucket(32, 128).of(InetAddress.getByName("2001:db8::5")))
                .isEqualTo("ip:2001:db8:0:0:0:0:0:5");
        assertThat(new ClientAddressBucket(32, 61).of(InetAddress.getByName("2001:db8:0:f::1")))
                .as("a prefix that ends inside a byte").isEqualTo("ip:2001:db8:0:8:0:0:0:0/61");
    }

    @Test
    void prefixLengthsOutsideTheFamilysRangeAreRefusedNamingTheValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddressBucket(33, 64))
                .withMessage("ipv4PrefixLength must be within [1, 32], but was 33");
        assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddressBucket(32, 129))
                .withMessage("ipv6PrefixLength must be within [1, 128], but was 129");
    }

    @Property(tries = 500)
    void twoAddressesInOneSlash64ShareABucket(@ForAll("globalIpv6") byte[] address,
            @ForAll @Size(8) byte[] otherInterfaceId) throws Exception {
        byte[] sibling = address.clone();
        System.arraycopy(otherInterfaceId, 0, sibling, 8, 8);

        assertThat(defaults.of(ipv6(sibling))).isEqualTo(defaults.of(ipv6(address)));
    }

    @Property(tries = 500)
    void addressesInDifferentSlash64sDoNotShareABucket(@ForAll("globalIpv6") byte[] address,
            @ForAll @IntRange(min = 0, max = 63) int differingBit) throws Exception {
        byte[] neighbour = address.clone();
        neighbour[differingBit / 8] ^= (byte) (0x80 >> (differingBit % 8));

        assertThat(defaults.of(ipv6(neighbour))).isNotEqualTo(defaults.of(ipv6(address)));
    }

    @Property(tries = 500)
    void aBucketHoldsExactlyTheAddressesThatAgreeOnTheConfiguredPrefix(@ForAll("globalIpv6") byte[] a,
            @ForAll("globalIpv6") byte[] b, @ForAll @IntRange(min = 32, max = 128) int prefixLength) throws Exception {
        System.arraycopy(a, 0, b, 0, 4); // share a /32 at least, so that some pairs share the prefix
        ClientAddressBucket buckets = new ClientAddressBucket(32, prefixLength);

        assertThat(buckets.of(ipv6(a)).equals(buckets.of(ipv6(b)))).isEqualTo(samePrefix(a, b, prefixLength));
    }

    @Provide
    Arbitrary<byte[]> globalIpv6() {
        // 2000::/3, global unicast: never IPv4-mapped
        return Arbitraries.bytes().array(byte[].class).ofSize(16).map(bytes -> {
            bytes[0] = (byte) (0x20 | (bytes[0] & 0x1f));
            return bytes;
        });
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv6(byte[] bytes) throws UnknownHostException {
        return Inet6Address.getByAddress(null, bytes, -1);
    }
}
