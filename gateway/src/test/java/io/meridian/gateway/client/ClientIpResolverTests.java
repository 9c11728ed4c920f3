package io.meridian.gateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientIpResolverTests {

    static final List<CidrBlock> LOOPBACK_AND_LB = List.of(CidrBlock.parse("127.0.0.0/8"), CidrBlock.parse("::1"),
            CidrBlock.parse("10.0.0.0/8"));

    final ClientIpResolver xff = new ClientIpResolver(LOOPBACK_AND_LB, ForwardingHeader.X_FORWARDED_FOR, 64);
    final ClientIpResolver forwarded = new ClientIpResolver(LOOPBACK_AND_LB, ForwardingHeader.FORWARDED, 64);

    static InetSocketAddress peer(String ip) {
        return new InetSocketAddress(IpLiteral.parse(ip), 40_000);
    }

    static String client(ClientIpResolver resolver, String peer, String... headers) {
        return resolver.resolve(peer(peer), List.of(headers)).address().getHostAddress();
    }

    @Test
    void theSocketPeerIsTheClientWhenItIsNotTrusted() {
        assertThat(client(xff, "203.0.113.9", "8.8.8.8")).isEqualTo("203.0.113.9");
    }

    @Test
    void forwardingHeadersAreIgnoredWhenNoProxyIsTrusted() {
        ClientIpResolver none = new ClientIpResolver(List.of(), ForwardingHeader.X_FORWARDED_FOR, 64);

        assertThat(client(none, "127.0.0.1", "8.8.8.8")).isEqualTo("127.0.0.1");
        assertThat(client(none, "127.0.0.1", "not even an address")).isEqualTo("127.0.0.1");
    }

    @Test
    void aTrustedPeerHandsOverTheRightmostUntrustedAddress() {
        assertThat(client(xff, "127.0.0.1", "8.8.8.8")).isEqualTo("8.8.8.8");
        assertThat(client(xff, "127.0.0.1", "1.1.1.1, 8.8.8.8, 10.1.2.3")).isEqualTo("8.8.8.8");
        assertThat(client(xff, "::1", "2001:4860:4860::8888")).isEqualTo("2001:4860:4860:0:0:0:0:8888");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
        ClientIp ip = xff.resolve(peer("127.0.0.1"), List.of("10.0.0.7, 10.0.0.8"));

        assertThat(ip.address().getHostAddress()).isEqualTo("10.0.0.7");
        assertThat(ip.hops()).isEqualTo(2);
    }

    @Test
    void severalHeaderLinesAreOneListInOrder() {
        assertThat(client(xff, "127.0.0.1", "9.9.9.9", "8.8.8.8, 10.0.0.1")).isEqualTo("8.8.8.8");
    }

    @Test
    void portsAndBracketsAreTolerated() {
        assertThat(client(xff, "127.0.0.1", "8.8.8.8:443")).isEqualTo("8.8.8.8");
        assertThat(client(xff, "127.0.0.1", "[2001:db8::1]")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(client(xff, "127.0.0.1", "[2001:db8::1]:8443")).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void emptyElementsAndWhitespaceAreSkipped() {
        assertThat(client(xff, "127.0.0.1", " 8.8.8.8 ,, \t,")).isEqualTo("8.8.8.8");
        assertThat(client(xff, "127.0.0.1", "")).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "localhost", "8.8.8.8/24", "fe80::1%eth0", "[8.8.8.8]", "8.8.8.8:99999",
            "2001:db8::1:80:", "<script>", "8.8.8.8;", "[2001:db8::1", "0x08080808", "\u0000"})
    void anythingButALiteralFromATrustedProxyIsRejectedWithoutALookup(String entry) {
        assertThatThrownBy(() -> xff.resolve(peer("127.0.0.1"), List.of("1.1.1.1, " + entry)))
                .isInstanceOf(InvalidClientAddressException.class)
                .hasMessageStartingWith("X-Forwarded-For entry 1 from the right is not an IP address: '")
                .extracting(ex -> ((InvalidClientAddressException) ex).header()).isEqualTo("X-Forwarded-For");
    }

    @Test
    void garbageLeftOfTheClientIsNeverLookedAt() {
        assertThat(client(xff, "127.0.0.1", "evil.example, <script>, 8.8.8.8")).isEqualTo("8.8.8.8");
    }

    @Test
    void unknownEndsTheWalkAtTheLastVerifiedAddress() {
        assertThat(client(xff, "127.0.0.1", "8.8.8.8, unknown, 10.0.0.5")).isEqualTo("10.0.0.5");
    }

    @Test
    void thousandsOfHopsAreRejectedAfterOneBoundedScan() {
        String hops = String.join(",", Collections.nCopies(5_000, "10.0.0.1"));

        assertThatThrownBy(() -> xff.resolve(peer("127.0.0.1"), List.of(hops)))
                .isInstanceOf(InvalidClientAddressException.class)
                .hasMessage("X-Forwarded-For has more than 64 entries");
    }

    @Test
    void readsRfc7239ForwardedElements() {
        assertThat(client(forwarded, "127.0.0.1", "for=8.8.8.8;proto=https;by=10.0.0.1")).isEqualTo("8.8.8.8");
        assertThat(client(forwarded, "127.0.0.1", "for=\"[2001:db8:cafe::17]:4711\", for=10.0.0.2"))
                .isEqualTo("2001:db8:cafe:0:0:0:0:17");
        assertThat(client(forwarded, "127.0.0.1", "For=\"8.8.4.4:80\";host=\"a,b;c\"")).isEqualTo("8.8.4.4");
        assertThat(client(forwarded, "127.0.0.1", "for=_hidden, for=10.0.0.9")).isEqualTo("10.0.0.9");
        assertThat(client(forwarded, "127.0.0.1", "proto=https, for=10.0.0.9")).isEqualTo("10.0.0.9");
    }

    @Test
    void rejectsBrokenForwardedSyntax() {
        assertThatThrownBy(() -> forwarded.resolve(peer("127.0.0.1"), List.of("for=\"8.8.8.8")))
                .isInstanceOf(InvalidClientAddressException.class).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> forwarded.resolve(peer("127.0.0.1"), List.of("for")))
                .isInstanceOf(InvalidClientAddressException.class).hasMessageContaining("without a value");
        assertThatThrownBy(() -> forwarded.resolve(peer("127.0.0.1"), List.of("for=evil.example")))
                .isInstanceOf(InvalidClientAddressException.class).hasMessageContaining("not an IP address");
    }

    @Test
    void aMissingPeerIsTheUnspecifiedAddress() {
        assertThat(xff.resolve(null, List.of("8.8.8.8")).address().isAnyLocalAddress()).isTrue();
    }

    @Test
    void anIpv4MappedPeerIsMatchedAsIpv4() {
        InetSocketAddress mapped = new InetSocketAddress(IpLiteral.parse("127.0.0.1"), 1);
        assertThat(xff.resolve(mapped, List.of("8.8.8.8")).address().getHostAddress()).isEqualTo("8.8.8.8");
    }

    /**
     * The security property: whatever a client writes into the header, the answer is the address
     * the first trusted proxy saw, never one the client chose.
     */
    @Property
    void aClientCannotChooseItsOwnAddress(@ForAll("publicIpv4") String realClient,
            @ForAll("junk") List<String> whateverTheClientWrote, @ForAll("trustedHops") List<String> proxies) {
        List<String> chain = new ArrayList<>(whateverTheClientWrote);
        chain.add(realClient);
        chain.addAll(proxies);

        assertThat(client(xff, "127.0.0.1", String.join(", ", chain))).isEqualTo(realClient);
    }

    @Property
    void neverFailsWithAnythingButAnInvalidAddressError(@ForAll String header) {
        try {
            InetAddress address = xff.resolve(peer("127.0.0.1"), List.of(header)).address();
            assertThat(address).isNotNull();
        } catch (InvalidClientAddressException expected) {
            assertThat(expected.getMessage()).doesNotContain("\n");
        }
    }

    @Provide
    Arbitrary<String> publicIpv4() {
        return Arbitraries.integers().between(11, 99).tuple3()
                .map(t -> t.get1() + "." + t.get2() + "." + t.get3() + ".7");
    }

    @Provide
    Arbitrary<List<String>> junk() {
        return Arbitraries.oneOf(publicIpv4(), Arbitraries.strings().ofMaxLength(20).map(s -> s.replace(",", "")),
                Arbitraries.of("10.0.0.1", "127.0.0.1", "unknown", "evil.example")).list().ofMaxSize(10);
    }

    @Provide
    Arbitrary<List<String>> trustedHops() {
        return Arbitraries.of("10.0.0.1", "10.20.30.40", "127.0.0.1", "[::1]:80").list().ofMaxSize(5);
    }
}
