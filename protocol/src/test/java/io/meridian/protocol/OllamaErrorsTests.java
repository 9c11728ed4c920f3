package io.meridian.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ollama's error shape on Ollama's endpoints, read back by a real parser as an Ollama client reads
 * it, and the other shapes elsewhere.
 */
class OllamaErrorsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"/api/chat", "/api/generate", "/api/tags", "/api/version", "/api/show",
            "//api//chat", "/api/chat;x", "/api;x/chat", "/api/chat/x"})
    void ollamasEndpointsAreOllamaPaths(String path) {
        assertThat(OllamaErrors.isOllamaPath(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "", "/api", "/api/", "/apis/chat", "/API/chat", "/process", "/v1/chat/completions",
            "/v1/api/chat"})
    void otherPathsAreNot(String path) {
        assertThat(OllamaErrors.isOllamaPath(path)).isFalse();
    }

    @Test
    void anErrorOnAnOllamaPathIsOneStringWithMeridiansMessageCodeAndField() {
        ErrorBody error = new ErrorBody(ErrorCodes.MODEL_NOT_FOUND, "model 'llama9' is not served here", "model", 404);

        JsonNode body = JSON.readTree(error.toJson("/api/chat"));

        assertThat(body.propertyNames()).containsExactly("error");
        assertThat(body.path("error").isString()).isTrue();
        assertThat(body.path("error").stringValue())
                .isEqualTo("model 'llama9' is not served here (model_not_found, field model)");
    }

    @Test
    void anErrorWithoutAFieldNamesItsCodeOnly() {
        ErrorBody error = new ErrorBody(ErrorCodes.MODEL_TIMEOUT, "too \"slow\"\n", null, 504);

        assertThat(JSON.readTree(error.toJson("/api/generate")).path("error").stringValue())
                .isEqualTo("too \"slow\"\n (model_timeout)");
    }

    @Test
    void openAisAndMeridiansPathsKeepTheirShapes() {
        ErrorBody error = new ErrorBody(ErrorCodes.TASK_NOT_FOUND, "no task", "id", 404);

        assertThat(error.toJson("/v1/tasks/us-east.01K")).isEqualTo(error.toJson());
        assertThat(error.toJson("/v1/chat/completions")).isEqualTo(OpenAiErrors.toJson(error));
    }
}
