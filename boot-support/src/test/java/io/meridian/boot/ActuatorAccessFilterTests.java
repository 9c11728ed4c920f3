package io.meridian.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

class ActuatorAccessFilterTests {

    static final String TOKEN = "an-admin-token";

    final AtomicReference<@Nullable String> refusedFor = new AtomicReference<>();

    final ActuatorAccessFilter filter = new ActuatorAccessFilter("/actuator", new AdminCredential(AdminCredential.hash(TOKEN)),
            (exchange, reason) -> {
                refusedFor.set(reason);
                exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
                return exchange.getResponse().setComplete();
            });

    /** Whether the request reached the rest of the chain. */
    boolean passes(MockServerWebExchange exchange) {
        AtomicReference<Boolean> passed = new AtomicReference<>(false);
        WebFilterChain chain = served -> {
            passed.set(true);
            return Mono.empty();
        };
        filter.filter(exchange, chain).block();
        return passed.get();
    }

    @Test
    void anActuatorEndpointWithoutTheTokenIsRefusedWithTheReasonAndABearerChallenge() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/prometheus"));

        assertThat(passes(exchange)).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
                .isEqualTo("Bearer realm=\"meridian-admin\"");
        assertThat(refusedFor.get()).isEqualTo("an admin bearer token is required (Authorization: Bearer <token>)");
    }

    @Test
    void aWrongTokenIsRefusedAndTheRightOnePasses() {
        assertThat(passes(MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/env")
                .header(HttpHeaders.AUTHORIZATION, "Bearer wrong")))).isFalse();
        assertThat(refusedFor.get()).isEqualTo("the admin token is not valid");

        assertThat(passes(MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/env")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)))).isTrue();
    }

    @Test
    void healthAndEverythingOutsideActuatorPassWithoutAToken() {
        assertThat(passes(MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/health/readiness")))).isTrue();
        assertThat(passes(MockServerWebExchange.from(MockServerHttpRequest.get("/v1/tasks")))).isTrue();
        assertThat(refusedFor.get()).isNull();
    }

    @Test
    void aSpellingOfAGuardedPathIsRefusedToo() {
        // a URI as written: get(String) would encode the % of a template
        assertThat(passes(MockServerWebExchange.from(
                MockServerHttpRequest.method(HttpMethod.GET, URI.create("/%61ctuator/prometheus"))))).isFalse();
        assertThat(passes(MockServerWebExchange.from(
                MockServerHttpRequest.method(HttpMethod.GET, URI.create("/actuator/health/../env"))))).isFalse();
    }

    @Test
    void withNoWriterNamedTheRefusalIsABare401() {
        ActuatorAccessFilter bare = new ActuatorAccessFilter("/actuator", new AdminCredential(null),
                AdminRefusalWriter.STATUS_ONLY);
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/info"));

        bare.filter(exchange, served -> Mono.error(new AssertionError("must not be served"))).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }
}
