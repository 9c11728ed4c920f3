package io.meridian.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The path of a request target, which decides the shape of an error written before routing. */
class ErrorResponsesTests {

    @ParameterizedTest
    @CsvSource({
        "/v1/chat/completions,                        /v1/chat/completions",
        "/v1/models?limit=1,                          /v1/models",
        "http://gateway.example/v1/models/x?y=http://z, /v1/models/x",
        "http://gateway.example,                      ''",
        "/process?next=http://x/y,                    /process",
        "*,                                           *"})
    void thePathOfATargetIsWhatComesBeforeTheQueryInEitherForm(String target, String path) {
        assertThat(ErrorResponses.pathOf(target)).isEqualTo(path);
    }

    @ParameterizedTest
    @CsvSource({"/v1/chat/completions, true", "/v1/models/qwen3, true", "/process, false", "/v1/tasks, false"})
    void anErrorOnAnOpenAiPathHasOpenAisShape(String path, boolean openAi) {
        String json = ErrorResponses.json(path, 401, "missing_api_key", "an API key is needed", "Authorization");

        assertThat(json.startsWith("{\"error\":{")).isEqualTo(openAi);
        assertThat(json).contains("missing_api_key");
    }
}
