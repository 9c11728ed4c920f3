package io.meridian.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** What a request body reserves, over the space of values a client may send. */
class ReservationSizePropertyTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final TenantProperties.Reservation RESERVATION = new TenantProperties.Reservation(1024,
            Map.of("qwen3:14b", 4096L, "simple", 512L), Duration.ofMinutes(15), DataSize.ofKilobytes(256));

    static long of(String body) {
        return ReservationSize.of(body.getBytes(StandardCharsets.UTF_8), RESERVATION);
    }

    @Property
    void aWholeNumberCapIsWhatTheRequestReserves(@ForAll @LongRange(min = 1) long cap) {
        assertThat(of("{\"model\":\"qwen3\",\"max_tokens\":" + cap + "}")).isEqualTo(cap);
        assertThat(of("{\"max_tokens\":7,\"max_completion_tokens\":" + cap + "}")).isEqualTo(cap);
    }

    @Property
    void aCapBelowOneIsRefusedNamingTheField(@ForAll @LongRange(max = 0) long cap) {
        assertThatThrownBy(() -> of("{\"max_completion_tokens\":" + cap + "}"))
                .isInstanceOfSatisfying(ReservationSize.InvalidField.class,
                        invalid -> assertThat(invalid.field()).isEqualTo("max_completion_tokens"))
                .hasMessageContaining("whole number from 1 to " + Long.MAX_VALUE).hasMessageContaining(Long.toString(cap));
    }

    @Property
    void aCapBeyondSixtyFourBitsIsRefusedNamingTheField(
            @ForAll @BigRange(min = "9223372036854775808", max = "1000000000000000000000000000000") BigInteger cap) {
        assertThatThrownBy(() -> of("{\"max_tokens\":" + cap + "}"))
                .isInstanceOfSatisfying(ReservationSize.InvalidField.class,
                        invalid -> assertThat(invalid.field()).isEqualTo("max_tokens"));
        assertThatThrownBy(() -> of("{\"max_tokens\":-" + cap + "}")).isInstanceOf(ReservationSize.InvalidField.class);
    }

    @Property
    void aFractionOrAStringIsRefused(@ForAll @LongRange(min = 1, max = 1_000_000) long whole, @ForAll @AlphaChars @StringLength(max = 5) String text) {
        assertThatThrownBy(() -> of("{\"max_tokens\":" + whole + ".5}")).isInstanceOf(ReservationSize.InvalidField.class);
        assertThatThrownBy(() -> of("{\"max_tokens\":\"" + whole + text + "\"}"))
                .isInstanceOf(ReservationSize.InvalidField.class);
    }

    @Example
    void withoutACapTheModelOrQueueDecidesElseTheDefault() {
        assertThat(of("{\"model\":\"qwen3:14b\",\"messages\":[]}")).isEqualTo(4096 + ReservationSize.PER_PROMPT);
        assertThat(of("{\"query\":\"hi\",\"kind\":\"simple\"}")).isEqualTo(512 + 3 + ReservationSize.PER_PROMPT);
        assertThat(of("{\"query\":\"hi\"}")).isEqualTo(1024 + 3 + ReservationSize.PER_PROMPT);
        assertThat(of("{\"max_tokens\":null,\"model\":\"unknown\"}")).isEqualTo(1024);
    }

    @Example
    void aBodyThatIsNotAJsonObjectReservesTheDefaultAndIsLeftToTheRegion() {
        assertThat(of("not json")).isEqualTo(1024);
        assertThat(of("[1,2]")).isEqualTo(1024);
        assertThat(of("")).isEqualTo(1024);
    }
    @Property
    void anEmbeddingsInputReservesNoLessThanItsUtf8BytesWhateverItsText(
            @ForAll @Size(max = 8) List<@StringLength(max = 200) String> texts) {
        Assume.that(!texts.isEmpty());
        String input = texts.stream().map(ReservationSizePropertyTests::jsonString).collect(Collectors.joining(",", "[", "]"));
        long bytes = texts.stream().mapToLong(text -> text.getBytes(StandardCharsets.UTF_8).length).sum();

        assertThat(of("{\"model\":\"simulated-embed\",\"input\":" + input + "}")).isEqualTo(bytes + texts.size())
                .isLessThan(bytes + texts.size() + 1);
        assertThat(of("{\"input\":" + jsonString(texts.getFirst()) + "}"))
                .isEqualTo(texts.getFirst().getBytes(StandardCharsets.UTF_8).length + 1L);
    }

    @Example
    void anEmbeddingOfTokenArraysReservesTheirLengths() {
        assertThat(of("{\"input\":[[1,2,3],[4,5]]}")).isEqualTo(5);
        assertThat(of("{\"input\":[1,2,3,4]}")).isEqualTo(4);
    }

    @Example
    void onlyAnEmbeddingsShapedBodyIsSizedByItsInput() {
        assertThat(of("{\"model\":\"qwen3:14b\",\"input\":\"hi\",\"messages\":[]}")).isEqualTo(4096 + ReservationSize.PER_PROMPT);
        assertThat(of("{\"kind\":\"simple\",\"input\":\"hi\",\"query\":\"q\"}")).isEqualTo(512 + 2 + ReservationSize.PER_PROMPT);
        assertThat(of("{\"input\":\"hi\",\"prompt\":\"p\"}")).isEqualTo(1024 + 2 + ReservationSize.PER_PROMPT);
        assertThat(of("{\"input\":[]}")).as("an empty input, refused by the region").isEqualTo(1024);
        assertThat(of("{\"input\":[{\"a\":1}]}")).as("no input shape of the API").isEqualTo(1024);
        assertThat(of("{\"input\":\"hi\",\"max_tokens\":9}")).as("a cap the client sent still decides").isEqualTo(9);
    }

    private static String jsonString(String text) {
        StringBuilder json = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                json.append('\\').appendCodePoint(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", c));
            } else {
                json.appendCodePoint(c);
            }
        });
        return json.append('"').toString();
    }

    @Property
    void aChatReservesItsPromptsBytesAndItsAnswersCap(@ForAll @StringLength(max = 200) @CharRange(from = '\u0020', to = '\uD7FF') String content,
            @ForAll @LongRange(min = 1, max = 1_000_000) long cap) {
        String body = "{\"model\":\"qwen3\",\"max_tokens\":" + cap + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.writeValueAsString(content) + "}]}";
        long prompt = ("user".length() + 1) + (content.getBytes(StandardCharsets.UTF_8).length + 1)
                + ReservationSize.PER_MESSAGE + ReservationSize.PER_PROMPT;

        assertThat(of(body)).isEqualTo(prompt + cap);
    }

    @Example
    void everyStringOfThePromptCountsAndToolsBringTheirPreamble() {
        assertThat(of("{\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}"))
                .isEqualTo(10 + (6 + 1) + (8 + 1) + (4 + 1) + (4 + 1) + (2 + 1) + 2 * ReservationSize.PER_MESSAGE
                        + ReservationSize.PER_PROMPT);
        assertThat(of("{\"max_tokens\":10,\"prompt\":\"hi\",\"tools\":[{\"name\":\"f\"}]}"))
                .isEqualTo(10 + (2 + 1) + (1 + 1) + ReservationSize.TOOLS_PREAMBLE + ReservationSize.PER_PROMPT);
    }
}
