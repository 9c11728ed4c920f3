package io.meridian.taskserver.web;

import io.meridian.protocol.OpenAiErrors;
import io.meridian.taskserver.testsupport.TestRegion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Each input limit, breached by a little, answers 400 naming the limit and the field. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.server.max-json-depth=8",
        "meridian.server.max-messages=3",
        "meridian.server.max-tokens=1000"})
@AutoConfigureWebTestClient
class InputLimitsTests {

    @Autowired
    private WebTestClient client;

    WebTestClient.BodyContentSpec refused(String path, String body, String error) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath(member(path, "error")).isEqualTo(error);
    }

    /** Where an error member is in the answer at {@code path}: OpenAI's shape on OpenAI's endpoints. */
    static String member(String path, String name) {
        if (!OpenAiErrors.isOpenAiPath(path)) {
            return "$." + name;
        }
        return "$.error." + switch (name) {
            case "error" -> "code";
            case "field" -> "param";
            default -> name;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"/process", "/v1/tasks", "/v1/chat/completions"})
    void aBodyNestedDeeperThanTheLimitIsRefused(String path) {
        String deep = "{\"query\":\"hi\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x\":"
                + "[".repeat(20) + "]".repeat(20) + "}";
        refused(path, deep, ApiError.JSON_TOO_DEEP).jsonPath(member(path, "message")).value(message ->
                org.assertj.core.api.Assertions.assertThat((String) message).contains("8 levels"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/process", "/v1/tasks"})
    void aBodyWithinTheDepthIsServed(String path) {
        client.post().uri(path).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"hi\",\"x\":[[[[1]]]]}").exchange()
                .expectStatus().is2xxSuccessful();
    }

    @org.junit.jupiter.api.Test
    void moreMessagesThanTheLimitAreRefusedNamingMessages() {
        String message = "{\"role\":\"user\",\"content\":\"hi\"}";
        refused("/v1/chat/completions", "{\"messages\":[" + String.join(",", message, message, message, message) + "]}",
                ApiError.TOO_MANY_MESSAGES).jsonPath("$.error.param").isEqualTo("messages");
    }

    @ParameterizedTest
    @ValueSource(strings = {"max_tokens", "max_completion_tokens"})
    void aTokenCapAboveTheLimitIsRefusedNamingIt(String field) {
        refused("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"" + field + "\":1001}",
                ApiError.MAX_TOKENS_TOO_LARGE).jsonPath("$.error.param").isEqualTo(field);
    }
}
