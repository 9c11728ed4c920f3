package io.meridian.taskserver.web;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.protocol.MeridianHeaders;
import io.meridian.taskserver.testsupport.TestRegion;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A request that carries a single-valued header twice is refused with a 400 naming it before any
 * handler reads it, though either copy alone would have passed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestRegion.PROPERTY)
@AutoConfigureWebTestClient
class SingleValuedHeadersTests {

    /** A valid value of each header, so that either copy alone would be served. */
    static final Map<String, String> VALID = Map.of(
            "Authorization", "Bearer some-token",
            MeridianHeaders.IDEMPOTENCY_KEY, "key-1",
            MeridianHeaders.TENANT, "alice",
            MeridianHeaders.PROTOCOL, "1.0",
            MeridianHeaders.ALLOWED_MODELS, "qwen3:14b",
            MeridianHeaders.MAX_TOKENS, "64",
            MeridianHeaders.SCALING, MeridianHeaders.SCALING_HOLD);

    @Autowired
    private WebTestClient client;

    static Iterable<String> singleValued() {
        return MeridianHeaders.SINGLE_VALUED;
    }

    @ParameterizedTest
    @MethodSource("singleValued")
    void aSubmitCarryingTheHeaderTwiceIsRefused(String header) {
        assertThat(VALID).containsKey(header);
        WebTestClient.ResponseSpec twice = client.post().uri("/v1/tasks").contentType(MediaType.APPLICATION_JSON)
                .header(header, VALID.get(header), VALID.get(header))
                .bodyValue("{\"query\":\"What is the capital of France?\"}").exchange();
        assertThat(assertApiError(twice, 400, ApiError.INVALID_HEADER, header)).contains("more than one " + header);
    }

    @ParameterizedTest
    @MethodSource("singleValued")
    void aReadCarryingTheHeaderTwiceIsRefused(String header) {
        assertApiError(client.get().uri("/v1/tasks/00000000-0000-0000-0000-000000000000")
                .header(header, VALID.get(header), "other").exchange(), 400, ApiError.INVALID_HEADER, header);
    }
}
