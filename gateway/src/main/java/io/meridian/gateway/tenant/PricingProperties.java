package io.meridian.gateway.tenant;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the models' tokens cost, for tenants' spend and spend caps ({@code meridian.auth.*.limits.spend-per-*}).
 * Prices are per million tokens in {@code currency}, with at most 6 decimals (spend is counted in
 * micro-units); unset, every model is free and spend stays 0.
 *
 * @param currency     the ISO 4217 code every price, spend figure and spend cap is in; it only labels them
 * @param models       the price of each model, by the name the region serves it under
 *                     ({@code meridian.pricing.models[qwen3:14b].input-per-million=0.20}: brackets keep a ':')
 * @param defaultPrice the price of a model that is not listed in {@code models}: the region served a
 *                     model nobody priced. Its default, 0, makes such a model free; set it to your
 *                     dearest model's price to charge every unknown model as that
 * @param ceiling      the deployment's spend-rate ceiling, which bounds its scaling
 */
@Validated
@ConfigurationProperties(PricingProperties.PREFIX)
public record PricingProperties(
        @DefaultValue("USD") @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code, three capital letters") String currency,
        @DefaultValue @NotNull Map<String, @Valid ModelPrice> models,
        @DefaultValue @NotNull @Valid ModelPrice defaultPrice,
        @DefaultValue @NotNull @Valid Ceiling ceiling) {

    public static final String PREFIX = "meridian.pricing";

    /**
     * The deployment's spend-rate ceiling: what every gateway measures as the spend of the last
     * {@code window} (in Redis, the deployment's; without it, this gateway's), projected to an hour,
     * and what happens as it nears and passes the ceiling. Off while {@code per-hour} is not set.
     *
     * @param perHour           the most the deployment may spend per hour, in {@code currency}
     * @param holdAt            share of the ceiling from which the regions' worker pools stop growing
     *                          (X-Meridian-Scaling: hold on every forwarded request)
     * @param protectedPriority tenants of at least this priority ({@code meridian.auth.tenants[].priority})
     *                          are still served over the ceiling; the others get 429 limit_exceeded,
     *                          field spend_rate_ceiling, until the rate falls below it
     * @param window            how far back the rate is measured
     * @param interval          how often each gateway measures it
     */
    public record Ceiling(
            @Nullable @DecimalMin(value = "0", inclusive = false) BigDecimal perHour,
            @DefaultValue("0.8") @DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1") double holdAt,
            @DefaultValue("1") int protectedPriority,
            @DefaultValue("60s") @NotNull Duration window,
            @DefaultValue("5s") @NotNull Duration interval) {

        /** No ceiling. */
        public static final Ceiling NONE = new Ceiling(null, 0.8, 1, Duration.ofSeconds(60), Duration.ofSeconds(5));
    }

    /**
     * One model's price.
     *
     * @param inputPerMillion  the price of a million prompt tokens, in {@code currency}
     * @param outputPerMillion the price of a million completion tokens, in {@code currency}
     */
    public record ModelPrice(
            @DefaultValue("0") @NotNull @DecimalMin("0") BigDecimal inputPerMillion,
            @DefaultValue("0") @NotNull @DecimalMin("0") BigDecimal outputPerMillion) {
    }
}
