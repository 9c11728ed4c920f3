package io.meridian.gateway.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegionHeadersTests {

    @ParameterizedTest
    @ValueSource(strings = {"Connection", "keep-alive", "PROXY-CONNECTION", "Proxy-Authenticate", "Proxy-Authorization",
            "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "content-length", "Forwarded", "X-Forwarded-For", "Authorization", "x-api-key",
            "X-Meridian-Tenant", "X-Meridian-Allowed-Models", "X-Meridian-Max-Tokens",
            "x-forwarded-host", "X-FORWARDED-PROTO", "X-Meridian-Client-IP", "x-meridian-client-country"})
    void headersThatNeverReachARegion(String name) {
        assertThat(RegionHeaders.forwarded(name, null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type", "Accept", "Idempotency-Key", "X-Session-Id", "traceparent",
            "X-Forwarded", "X-Forwardedfor", "Forwarded-For", "X-Meridian-Residency", "Trailers"})
    void headersThatDo(String name) {
        assertThat(RegionHeaders.forwarded(name, null)).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "close, X-Hop      | x-hop     | true",
            "X-Hop,X-Other     | X-OTHER   | true",
            "' x-hop , close ' | X-Hop     | true",
            "X-Hop             | X-Hopper  | false",
            "X-Hopper          | X-Hop     | false",
            "keep-alive        | X-Hop     | false"})
    void namesListedInConnectionAreHopByHop(String connection, String name, boolean hopByHop) {
        assertThat(RegionHeaders.hopByHop(name, connection)).isEqualTo(hopByHop);
        assertThat(RegionHeaders.forwarded(name, connection)).isEqualTo(!hopByHop);
    }

    @org.junit.jupiter.api.Test
    void aRegionsAnswerLosesItsHopByHopHeadersOnly() {
        HttpHeaders received = new DefaultHttpHeaders()
                .add("Content-Type", "application/json")
                .add("Content-Length", "12")
                .add("Set-Cookie", "a=1")
                .add("Set-Cookie", "b=2")
                .add("Connection", "keep-alive, X-Hop")
                .add("X-Hop", "1")
                .add("Transfer-Encoding", "chunked")
                .add("Keep-Alive", "timeout=75");
        org.springframework.http.HttpHeaders target = new org.springframework.http.HttpHeaders();

        RegionHeaders.copyResponse(received, target);

        assertThat(target.headerNames()).containsExactlyInAnyOrder("Content-Type", "Content-Length", "Set-Cookie");
        assertThat(target.get("Set-Cookie")).containsExactly("a=1", "b=2");
    }
}
