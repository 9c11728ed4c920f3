package io.meridian.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.springframework.util.unit.DataSize;

/** What a request body reserves, over the space of values a client may send. */
class ReservationSizePropertyTests {

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
        assertThat(of("{\"model\":\"qwen3:14b\",\"messages\":[]}")).isEqualTo(4096);
        assertThat(of("{\"query\":\"hi\",\"kind\":\"simple\"}")).isEqualTo(512);
        assertThat(of("{\"query\":\"hi\"}")).isEqualTo(1024);
        assertThat(of("{\"max_tokens\":null,\"model\":\"unknown\"}")).isEqualTo(1024);
    }

    @Example
    void aBodyThatIsNotAJsonObjectReservesTheDefaultAndIsLeftToTheRegion() {
        assertThat(of("not json")).isEqualTo(1024);
        assertThat(of("[1,2]")).isEqualTo(1024);
        assertThat(of("")).isEqualTo(1024);
    }
}
