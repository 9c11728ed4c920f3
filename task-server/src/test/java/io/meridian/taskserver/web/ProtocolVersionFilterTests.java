package io.meridian.taskserver.web;

import io.meridian.taskserver.testsupport.TestRegion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A gateway of another major protocol version is refused before anything is queued. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestRegion.PROPERTY)
@AutoConfigureWebTestClient
class ProtocolVersionFilterTests {

    @Autowired
    private WebTestClient client;

    WebTestClient.ResponseSpec submit(@org.jspecify.annotations.Nullable String protocol) {
        WebTestClient.RequestBodySpec request = client.post().uri("/v1/tasks").contentType(MediaType.APPLICATION_JSON);
        if (protocol != null) {
            request = request.header(ProtocolVersionFilter.HEADER, protocol);
        }
        return request.bodyValue("{\"query\":\"What is the capital of France?\"}").exchange();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1", "1.7"})
    void aGatewayOfTheSameMajorVersionIsServed(String protocol) {
        submit(protocol).expectStatus().isAccepted();
    }

    @org.junit.jupiter.api.Test
    void aRequestWithoutTheHeaderIsServed() {
        submit(null).expectStatus().isAccepted();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.0", "0.9", "3"})
    void aGatewayOfAnotherMajorVersionIsRefusedNamingBoth(String protocol) {
        submit(protocol).expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error").isEqualTo(ApiError.INCOMPATIBLE_PROTOCOL)
                .jsonPath("$.field").isEqualTo(ProtocolVersionFilter.HEADER)
                .jsonPath("$.message").value(message -> org.assertj.core.api.Assertions.assertThat((String) message)
                        .contains("1.0").contains(protocol.strip()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"one", "1.x", "1.0.0", "", "99999.0", "-1.0"})
    void aMalformedVersionIsA400NamingTheHeader(String protocol) {
        submit(protocol).expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error").isEqualTo(ApiError.INVALID_HEADER)
                .jsonPath("$.field").isEqualTo(ProtocolVersionFilter.HEADER);
    }
}
