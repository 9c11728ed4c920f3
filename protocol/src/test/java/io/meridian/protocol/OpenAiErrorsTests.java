package io.meridian.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenAI's error shape on OpenAI's endpoints, read back by a real parser as an OpenAI client
 * reads it, and Meridian's shape everywhere else.
 */
class OpenAiErrorsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/embeddings", "/v1/models", "/v1/models/",
            "/v1/models/qwen3:14b", "/v1/models/meta-llama/Llama-3.1-8B", "//v1//chat/completions",
            "/v1/chat/completions;jsessionid=1", "/v1/models/%2F..%2F", "/v1;x/models"})
    void openAisEndpointsAreOpenAiPaths(String path) {
        assertThat(OpenAiErrors.isOpenAiPath(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "", "/process", "/v1/tasks", "/v1/tasks/us-east.01K", "/v1/queues", "/v1",
            "/v1/chat", "/v1/chat/completions/x", "/v1/embeddings/x", "/v2/models", "/V1/models",
            "/v1/modelsx", "/actuator/health", "/api/chat", "/v1/completions"})
    void otherPathsAreNot(String path) {
        assertThat(OpenAiErrors.isOpenAiPath(path)).isFalse();
    }

    @Test
    void anErrorOnAnOpenAiPathHasOpenAisShapeWithMeridiansCodeAndField() {
        ErrorBody error = new ErrorBody(ErrorCodes.INVALID_REQUEST, "messages[1].role must be one of …",
                "messages[1].role", 400);

        JsonNode body = JSON.readTree(error.toJson("/v1/chat/completions"));

        assertThat(body.propertyNames()).containsExactly("error");
        JsonNode inner = body.path("error");
        assertThat(inner.propertyNames()).containsExactly("message", "type", "param", "code");
        assertThat(inner.path("message").stringValue()).isEqualTo("messages[1].role must be one of …");
        assertThat(inner.path("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(inner.path("param").stringValue()).isEqualTo("messages[1].role");
        assertThat(inner.path("code").stringValue()).isEqualTo("invalid_request");
    }

    @Test
    void anErrorWithoutAFieldHasANullParam() {
        JsonNode inner = JSON.readTree(new ErrorBody(ErrorCodes.MODEL_TIMEOUT, "too slow", null, 504)
                .toJson("/v1/chat/completions")).path("error");

        assertThat(inner.has("param")).isTrue();
        assertThat(inner.path("param").isNull()).isTrue();
        assertThat(inner.path("type").stringValue()).isEqualTo("server_error");
    }

    @Test
    void anErrorElsewhereKeepsMeridiansShape() {
        ErrorBody error = new ErrorBody(ErrorCodes.TASK_NOT_FOUND, "no task", "id", 404);

        assertThat(error.toJson("/v1/tasks/us-east.01K")).isEqualTo(error.toJson());
    }

    @ParameterizedTest(name = "{0} {1} {2} → {3}")
    @CsvSource(nullValues = "null", value = {
        "400, invalid_request,   messages,           invalid_request_error",
        "401, missing_api_key,   Authorization,      invalid_request_error",
        "401, invalid_api_key,   Authorization,      invalid_request_error",
        "403, model_not_allowed, model,              invalid_request_error",
        "404, model_not_found,   model,              invalid_request_error",
        "413, payload_too_large, null,               invalid_request_error",
        "429, rate_limited,      null,               rate_limit_exceeded",
        "429, queue_full,        null,               rate_limit_exceeded",
        "429, limit_exceeded,    requests_per_minute, rate_limit_exceeded",
        "429, limit_exceeded,    tokens_per_minute,  rate_limit_exceeded",
        "429, limit_exceeded,    tokens_per_day,     insufficient_quota",
        "429, limit_exceeded,    tokens_per_month,   insufficient_quota",
        "429, limit_exceeded,    global_tokens_per_month, insufficient_quota",
        "500, internal_error,    null,               server_error",
        "502, region_failed,     null,               server_error",
        "503, no_region_available, null,             server_error",
        "504, region_timeout,    null,               server_error"})
    void theTypeFollowsWhatOpenAiSends(int status, String code, @Nullable String field, String type) {
        assertThat(OpenAiErrors.type(status, code, field)).isEqualTo(type);
    }

    @Property
    void anyMessageAndFieldStayInsideTheirStrings(@ForAll String message, @ForAll String field) {
        JsonNode inner = JSON.readTree(OpenAiErrors.toJson(new ErrorBody("x", message, field, 400))).path("error");

        assertThat(inner.path("message").stringValue()).isEqualTo(message);
        assertThat(inner.path("param").stringValue()).isEqualTo(field);
        assertThat(inner.propertyNames()).containsExactly("message", "type", "param", "code");
    }
}
