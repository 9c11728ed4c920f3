package io.meridian.taskserver.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.meridian.taskserver.web.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Ollama's {@code keep_alive}, read as Ollama reads it and given back as the Go duration sent on. */
class OllamaKeepAliveTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String value) {
        return JSON.readTree(value);
    }

    @ParameterizedTest(name = "{0} is sent as {1}")
    @CsvSource(delimiter = '|', value = {
        "\"5m\"       | 5m",
        "\"10s\"      | 10s",
        "\"1h30m\"    | 1h30m",
        "\"1.5h\"     | 1.5h",
        "\"250ms\"    | 250ms",
        "\"0\"        | 0",
        "\"0s\"       | 0s",
        "\"+2m\"      | +2m",
        "300         | 300s",
        "0           | 0s",
        "1.5         | 1.5s",
        "3e2         | 300s",
        "-1          | -1s",
        "-1e40       | -1s",
        "\"-1m\"      | -1s",
        "\"-999999999999h\" | -1s",
        "\"2562047h\" | 2562047h",
    })
    void readsOllamasDurationsAndNumbersOfSeconds(String value, String sent) {
        assertThat(OllamaKeepAlive.read(json(value))).isEqualTo(sent);
    }

    @Test
    void leavesTheRegionsSettingWhenAbsentOrNull() {
        assertThat(OllamaKeepAlive.read(null)).isNull();
        assertThat(OllamaKeepAlive.read(json("null"))).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "\"300\"      | keep_alive must be a duration such as \"5m\", \"1h30m\" or \"0\", or a number of seconds, but was '300'",
        "\"5 m\"      | keep_alive must be a duration such as \"5m\", \"1h30m\" or \"0\", or a number of seconds, but was '5 m'",
        "\"5d\"       | keep_alive must be a duration such as \"5m\", \"1h30m\" or \"0\", or a number of seconds, but was '5d'",
        "\"\"         | keep_alive must be a duration such as \"5m\", \"1h30m\" or \"0\", or a number of seconds, but was ''",
        "true        | keep_alive must be a duration such as \"5m\", \"1h30m\" or \"0\", or a number of seconds, but was a boolean",
        "[\"5m\"]     | keep_alive must be a duration such as \"5m\", \"1h30m\" or \"0\", or a number of seconds, but was an array",
        "\"2562048h\" | keep_alive may be at most 2562047h47m16s (the longest duration Ollama reads), but was '2562048h'",
        "1e10        | keep_alive may be at most 2562047h47m16s (the longest duration Ollama reads), but was 10000000000",
    })
    void refusesWhatOllamaWouldNotReadNamingTheField(String value, String message) {
        assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> OllamaKeepAlive.read(json(value)))
                .withMessage(message)
                .satisfies(refusal -> assertThat(refusal.field()).isEqualTo("keep_alive"));
    }
}
