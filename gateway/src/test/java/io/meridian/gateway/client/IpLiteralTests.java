package io.meridian.gateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTests {

    @Property
    void readsEveryDottedQuad(@ForAll @Size(4) byte[] bytes) throws Exception {
        String text = (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);

        assertThat(IpLiteral.parse(text)).isEqualTo(InetAddress.getByAddress(bytes));
    }

    @Property
    void readsEveryIpv6AddressInFullAndCompressedForm(@ForAll("ipv6WithZeroRuns") byte[] bytes) throws Exception {
        InetAddress expected = InetAddress.getByAddress(bytes);

        assertThat(IpLiteral.parse(full(bytes))).isEqualTo(expected);
        assertThat(IpLiteral.parse(compressed(bytes))).isEqualTo(expected);
        assertThat(IpLiteral.parse(compressed(bytes).toUpperCase())).isEqualTo(expected);
    }

    @Property
    void neverThrowsAndOnlyAcceptsAddressCharacters(@ForAll String text) {
        InetAddress parsed = IpLiteral.parse(text);

        if (parsed != null) {
            assertThat(text).matches("[0-9a-fA-F:.]+");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "localhost", "evil.example", "example.com.", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04",
            "1.2.3.4/32", " 1.2.3.4", "1.2.3.4 ", "1..2.3", "0x7f.0.0.1", "2130706433", "fe80::1%eth0", "fe80::1%25eth0",
            "[::1]", "::1]", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "12345::", "::g",
            "1:2:3:4:5:6:7:8::", "::ffff:1.2.3", "::ffff:1.2.3.4.5", "1.2.3.4::", "", ":", ":::", "\u0661.2.3.4", "１.2.3.4"})
    void rejectsEverythingThatIsNotExactlyALiteral(String text) {
        assertThat(IpLiteral.parse(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "2001:db8::", "::ffff:192.0.2.1", "64:ff9b::192.0.2.33",
            "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::", "FE80::ABCD"})
    void acceptsTheCornerCasesOfRfc4291(String text) throws Exception {
        assertThat(IpLiteral.parse(text)).isEqualTo(InetAddress.getByName(text));
    }

    @Provide
    Arbitrary<byte[]> ipv6WithZeroRuns() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofSize(16);
        return random.flatMap(bytes -> Arbitraries.integers().between(0, 8).flatMap(start ->
                Arbitraries.integers().between(0, 8 - start).map(run -> {
                    byte[] copy = bytes.clone();
                    java.util.Arrays.fill(copy, start * 2, (start + run) * 2, (byte) 0);
                    return copy;
                })));
    }

    static String full(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g > 0) {
                out.append(':');
            }
            out.append(HexFormat.of().toHexDigits((short) (((bytes[g * 2] & 0xFF) << 8) | (bytes[g * 2 + 1] & 0xFF))));
        }
        return out.toString();
    }

    /** RFC 5952: the longest run (of two or more) zero groups becomes "::", no leading zeros. */
    static String compressed(byte[] bytes) {
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = ((bytes[g * 2] & 0xFF) << 8) | (bytes[g * 2 + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int end = g;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - g > bestLength) {
                bestStart = g;
                bestLength = end - g;
            }
            g = end;
        }
        StringBuilder out = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                out.append("::");
                g += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[g]));
        }
        return out.toString();
    }
}
