package io.meridian.taskserver.process;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.RegionHeaderFilter;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** {@code POST /process} over HTTP on the simulated backend: the answer and every refusal. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestRegion.PROPERTY)
@AutoConfigureWebTestClient
class ProcessEndpointTests {

    private static final int DEFAULT_MAX_QUERY_LENGTH = 32_000;

    private static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

    @Autowired
    private WebTestClient client;

    @Autowired
    private ApplicationContext context;

    private WebTestClient.ResponseSpec post(String json) {
        return client.post().uri("/process").contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    @Test
    void answersQueryWithSimulatedCompletionNamingItsRegion() {
        ProcessResponse response = post("{\"query\": \"what is  the\\tcapital of France\"}")
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals(RegionHeaderFilter.HEADER, TestRegion.ID)
                .expectBody(ProcessResponse.class)
                .returnResult()
                .getResponseBody();

        assertThat(response).isNotNull();
        assertThat(response.region()).isEqualTo(TestRegion.ID);
        assertThat(response.backend()).isEqualTo("simulated");
        assertThat(response.model()).isEqualTo("simulated");
        assertThat(response.answer()).containsIgnoringCase("simulated").contains(TestRegion.ID)
                .contains("what is  the\tcapital of France");
        assertThat(response.usage().promptTokens()).isEqualTo(6);
        assertThat(response.usage().completionTokens()).isEqualTo(response.answer().split("\\s+").length);
        assertThat(response.usage().totalTokens())
                .isEqualTo(response.usage().promptTokens() + response.usage().completionTokens());
        // The default simulated latency is 50 ms: the answer cannot have come sooner.
        assertThat(response.latencyMs()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void answersWithExactlyTheDocumentedFields() {
        post("{\"query\": \"hello\"}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(6)
                .jsonPath("$.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.answer").isNotEmpty()
                .jsonPath("$.model").isEqualTo("simulated")
                .jsonPath("$.backend").isEqualTo("simulated")
                .jsonPath("$.usage.length()").isEqualTo(3)
                .jsonPath("$.usage.promptTokens").isEqualTo(1)
                .jsonPath("$.usage.completionTokens").isNumber()
                .jsonPath("$.usage.totalTokens").isNumber()
                .jsonPath("$.latencyMs").isNumber();
    }

    @Test
    void neverPassesSimulatedAnswerOffAsTheModelTheClientNamed() {
        post("{\"query\": \"hello\", \"model\": \"qwen3:14b\"}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.model").isEqualTo("simulated")
                .jsonPath("$.backend").isEqualTo("simulated");
    }

    @Test
    void createsNoModelClientForTheSimulatedBackend() {
        assertThat(context.getBeanNamesForType(ChatModel.class)).isEmpty();
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        post("{\"query\": \"hello\", \"priority\": \"high\"}").expectStatus().isOk();
    }

    @Test
    void refusesGarbageAsMalformedJson() {
        String message = assertApiError(post("this is not json"), 400, ApiError.MALFORMED_JSON, null);
        assertThat(message).startsWith("request body is not valid JSON").contains("line 1");
    }

    @Test
    void refusesTruncatedJsonAsMalformedJson() {
        assertApiError(post("{\"query\": \"hel"), 400, ApiError.MALFORMED_JSON, null);
    }

    @Test
    void refusesJsonFollowedByGarbageAsMalformedJson() {
        assertApiError(post("{\"query\": \"hello\"} and more"), 400, ApiError.MALFORMED_JSON, null);
    }

    @Test
    void refusesEmptyBodyAsMalformedJson() {
        String message = assertApiError(
                client.post().uri("/process").contentType(MediaType.APPLICATION_JSON).exchange(),
                400, ApiError.MALFORMED_JSON, null);
        assertThat(message).contains("empty");
    }

    @Test
    void refusesJsonThatIsNotAnObject() {
        String message = assertApiError(post("[\"hello\"]"), 400, ApiError.INVALID_REQUEST, null);
        assertThat(message).contains("JSON object").contains("array");
    }

    static Stream<Arguments> badQueries() {
        return Stream.of(
                Arguments.of("{}", "query is required"),
                Arguments.of("{\"query\": null}", "query is required"),
                Arguments.of("{\"query\": \"\"}", "query must not be blank"),
                Arguments.of("{\"query\": \" \\n\\t \"}", "query must not be blank"),
                Arguments.of("{\"query\": 42}", "query must be a JSON string, but was a number"),
                Arguments.of("{\"query\": true}", "query must be a JSON string, but was a boolean"),
                Arguments.of("{\"query\": [\"a\"]}", "query must be a JSON string, but was an array"),
                Arguments.of("{\"query\": {\"text\": \"a\"}}", "query must be a JSON string, but was an object"));
    }

    @ParameterizedTest
    @MethodSource("badQueries")
    void refusesMissingBlankOrNonStringQueryNamingTheField(String body, String expectedMessage) {
        String message = assertApiError(post(body), 400, ApiError.INVALID_REQUEST, "query");
        assertThat(message).isEqualTo(expectedMessage);
    }

    @Test
    void refusesNonStringModelNamingTheField() {
        String message = assertApiError(post("{\"query\": \"hello\", \"model\": 7}"), 400,
                ApiError.INVALID_REQUEST, "model");
        assertThat(message).isEqualTo("model must be a JSON string, but was a number");
    }

    @Test
    void refusesModelNameWithSpacesNamingTheField() {
        assertApiError(post("{\"query\": \"hello\", \"model\": \"rm -rf\"}"), 400, ApiError.INVALID_REQUEST, "model");
    }

    @Test
    void acceptsQueryOfExactlyTheMaximumLength() {
        post("{\"query\": \"" + "x".repeat(DEFAULT_MAX_QUERY_LENGTH) + "\"}").expectStatus().isOk();
    }

    @Test
    void refusesQueryLongerThanTheMaximumNamingTheLimit() {
        String message = assertApiError(post("{\"query\": \"" + "x".repeat(DEFAULT_MAX_QUERY_LENGTH + 1) + "\"}"),
                400, ApiError.QUERY_TOO_LONG, "query");
        assertThat(message).isEqualTo("query must be at most 32000 characters, but had 32001");
    }

    @Test
    void countsQueryLengthInCharactersNotUtf16Units() {
        // 32000 emoji: 64000 UTF-16 units, 32000 characters.
        post("{\"query\": \"" + "\uD83D\uDE00".repeat(DEFAULT_MAX_QUERY_LENGTH) + "\"}").expectStatus().isOk();
    }

    @Test
    void refusesBodyLargerThanTheLimitWith413() {
        String oversized = "{\"query\": \"" + "x".repeat(DEFAULT_MAX_REQUEST_BYTES) + "\"}";
        String message = assertApiError(post(oversized), 413, ApiError.PAYLOAD_TOO_LARGE, null);
        assertThat(message).isEqualTo("request body must be at most 1048576 bytes");
    }

    @Test
    void refusesChunkedBodyLargerThanTheLimitWith413() {
        // No Content-Length: the codec limit, not the header check, must catch it.
        String chunk = "x".repeat(64 * 1024);
        Flux<DataBuffer> body = Flux.concat(
                        Flux.just("{\"query\": \""), Flux.range(0, 20).map(i -> chunk), Flux.just("\"}"))
                .map(text -> DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8)));
        WebTestClient.ResponseSpec response = client.post().uri("/process")
                .contentType(MediaType.APPLICATION_JSON)
                .body(body, DataBuffer.class)
                .exchange();
        assertApiError(response, 413, ApiError.PAYLOAD_TOO_LARGE, null);
    }

    @Test
    void refusesNonJsonContentTypeWith415() {
        String message = assertApiError(
                client.post().uri("/process").contentType(MediaType.TEXT_PLAIN).bodyValue("hello").exchange(),
                415, ApiError.UNSUPPORTED_MEDIA_TYPE, null);
        assertThat(message).contains("text/plain").contains("application/json");
    }

    @Test
    void refusesBodyWithoutContentTypeWith415() {
        assertApiError(client.post().uri("/process").bodyValue(new byte[] {'{', '}'}).exchange(),
                415, ApiError.UNSUPPORTED_MEDIA_TYPE, null);
    }

    @Test
    void answersUnknownPathWithJson404() {
        String message = assertApiError(client.get().uri("/no/such/path").exchange(), 404, ApiError.NOT_FOUND, null);
        assertThat(message).isEqualTo("no endpoint at GET /no/such/path");
    }

    @Test
    void answersUnknownActuatorEndpointWithJson404() {
        assertApiError(client.get().uri("/actuator/env").exchange(), 404, ApiError.NOT_FOUND, null);
    }

    @Test
    void answersWrongMethodWithJson405ListingTheAllowedOne() {
        WebTestClient.ResponseSpec response = client.method(HttpMethod.PUT).uri("/process")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\": \"hello\"}").exchange();
        response.expectHeader().valueEquals("Allow", "POST");
        String message = assertApiError(response, 405, ApiError.METHOD_NOT_ALLOWED, null);
        assertThat(message).isEqualTo("method PUT is not allowed here; use POST");
    }

    @Test
    void answersUnsatisfiableAcceptWithJson406() {
        assertApiError(client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.TEXT_PLAIN).bodyValue("{\"query\": \"hello\"}").exchange(),
                406, ApiError.NOT_ACCEPTABLE, null);
    }
}
