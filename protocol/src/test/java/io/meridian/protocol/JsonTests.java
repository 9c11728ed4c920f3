package io.meridian.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The hand-written JSON string of error bodies and access lines, read back by a real parser. */
class JsonTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"plain", "", "quote \" here", "back\\slash", "new\nline\r\ttab", "nul \u0000 bell \u0007",
            "unicode é ✓ 𝄞", "line sep \u2028 \u2029", "form\ffeed\bback", "}{\"injected\":true"})
    void hostileValuesStayInsideTheirJsonString(String value) {
        StringBuilder out = new StringBuilder("{\"v\":");
        Json.quote(out, value);
        out.append('}');

        JsonNode parsed = JSON.readTree(out.toString());
        assertThat(parsed.path("v").asString()).isEqualTo(value);
        assertThat(parsed.size()).isEqualTo(1);
        assertThat(out.toString()).doesNotContain("\n").doesNotContain("\u2028").doesNotContain("\u2029");
    }
}
