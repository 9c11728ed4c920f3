package io.meridian.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.gateway.GatewayConfigException;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prices in micro-units, and which price a request holds at admission and pays at settlement. */
class PricingTests {

    static PricingProperties.ModelPrice price(String input, String output) {
        return new PricingProperties.ModelPrice(new BigDecimal(input), new BigDecimal(output));
    }

    final Pricing pricing = new Pricing(new PricingProperties("EUR",
            Map.of("qwen3", price("0.15", "0.60"), "qwen3:14b", price("3", "15")), price("0.5", "0.5"),
            PricingProperties.Ceiling.NONE));

    @Test
    void anAnswerIsPricedPromptAndCompletionApartRoundedUpToAMicroUnit() {
        Price qwen = pricing.atSettlement("qwen3");

        assertThat(qwen).isEqualTo(new Price(150_000, 600_000));
        assertThat(qwen.of(1_000_000, 1_000_000)).isEqualTo(750_000);
        assertThat(qwen.of(1, 0)).isEqualTo(1);   // 0.15 micro-units, rounded up
        assertThat(qwen.of(0, 0)).isZero();
        assertThat(new Price(Long.MAX_VALUE, 1).of(2, 0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aReservationHoldsItsTokensAtTheDearerOfTheModelsTwoPrices() {
        assertThat(pricing.atAdmission("qwen3").worstCase(1000)).isEqualTo(600);
    }

    @Test
    void aModelNotListedHoldsTheDearestPriceAndPaysTheDefault() {
        assertThat(pricing.atAdmission("fast-alias")).isEqualTo(new Price(3_000_000, 15_000_000));
        assertThat(pricing.atAdmission(null)).isEqualTo(new Price(3_000_000, 15_000_000));
        assertThat(pricing.atSettlement("fast-alias")).isEqualTo(new Price(500_000, 500_000));
        assertThat(pricing.tag("fast-alias")).isEqualTo(Pricing.UNLISTED);
        assertThat(pricing.tag("qwen3:14b")).isEqualTo("qwen3:14b");
        assertThat(pricing.currency()).isEqualTo("EUR");
        assertThat(pricing.priced()).isTrue();
        assertThat(Pricing.none().priced()).isFalse();
    }

    @Test
    void aPriceFinerThanAMicroUnitStopsStartUpNamingTheProperty() {
        assertThatThrownBy(() -> new Pricing(new PricingProperties("USD", Map.of("qwen3", price("0.0000001", "1")),
                price("0", "0"), PricingProperties.Ceiling.NONE)))
                .isInstanceOf(GatewayConfigException.class)
                .hasMessageContaining("meridian.pricing.models[qwen3].input-per-million")
                .hasMessageContaining("at most 6 decimals").hasMessageContaining("0.0000001");
    }

    @Test
    void amountsAreShownAsDecimalsOfTheCurrency() {
        assertThat(Pricing.amount(16_000).toPlainString()).isEqualTo("0.016000");
        assertThat(Pricing.micros(new BigDecimal("2.5"), "x")).isEqualTo(2_500_000);
    }
}
