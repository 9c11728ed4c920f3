package io.meridian.gateway.tenant;

import io.meridian.gateway.GatewayConfigException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The configured prices ({@link PricingProperties}) in micro-units, and which price a request pays.
 *
 * <p>Design note: two moments, two prices. At admission only the model the client asked for is
 * known, so a reservation of {@code n} tokens holds {@link Price#worstCase} of that model's price;
 * a request whose model is not listed (or that names none: {@code /process}, a task's {@code kind},
 * an alias the region resolves) holds the worst case of the dearest configured price, since any
 * model may serve it. At settlement the answer is priced by the model it was for: the usage a
 * region reports ({@code X-Meridian-Usage}) names counts but no model, so that is the requested
 * model, and a model not listed pays {@code default-price}. With those two rules a spend cap is
 * bound exactly as a token limit is: no request settles to more than it held unless it used more
 * tokens than it reserved.
 */
public final class Pricing {

    /** The {@code model} tag of spend whose model is not listed: a client's model name is not a tag (unbounded). */
    public static final String UNLISTED = "unlisted";

    private final String currency;
    private final Map<String, Price> models;
    private final Price fallback;
    private final Price dearest;

    public Pricing(PricingProperties properties) {
        this.currency = properties.currency();
        Map<String, Price> prices = new HashMap<>();
        properties.models().forEach((model, price) ->
                prices.put(model, price(price, PricingProperties.PREFIX + ".models[" + model + "]")));
        this.models = Map.copyOf(prices);
        this.fallback = price(properties.defaultPrice(), PricingProperties.PREFIX + ".default-price");
        this.dearest = models.values().stream().reduce(fallback, Price::dearest);
    }

    /** No prices: every model free. */
    public static Pricing none() {
        return new Pricing(new PricingProperties("USD", Map.of(), new PricingProperties.ModelPrice(BigDecimal.ZERO, BigDecimal.ZERO),
                PricingProperties.Ceiling.NONE));
    }

    /** The currency's ISO 4217 code. */
    public String currency() {
        return currency;
    }

    /** Whether any model costs anything. */
    public boolean priced() {
        return !dearest.free();
    }

    /** What a request for {@code model} (or none) holds per token at admission: its price, or the dearest. */
    public Price atAdmission(@Nullable String model) {
        Price price = model == null ? null : models.get(model);
        return price != null ? price : dearest;
    }

    /** What an answer for {@code model} (or none) is charged: its price, or {@code default-price}. */
    public Price atSettlement(@Nullable String model) {
        Price price = model == null ? null : models.get(model);
        return price != null ? price : fallback;
    }

    /** The {@code model} tag of spend for {@code model}: its name when it is priced, else {@value #UNLISTED}. */
    public String tag(@Nullable String model) {
        return model != null && models.containsKey(model) ? model : UNLISTED;
    }

    /**
     * A spend cap or price in micro-units: at most 6 decimals, since spend is counted in whole
     * micro-units; more would be silently rounded, so it stops start-up instead.
     */
    public static long micros(BigDecimal amount, String property) {
        if (amount.signum() < 0) {
            throw new GatewayConfigException(property, "must be at least 0, but was " + amount.toPlainString());
        }
        try {
            return amount.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException ex) {
            throw new GatewayConfigException(property, "must have at most 6 decimals and be below "
                    + BigDecimal.valueOf(Long.MAX_VALUE, 6).toPlainString() + ", but was " + amount.toPlainString());
        }
    }

    /** Micro-units as an amount of the currency, {@code 0.000125}: what {@code /v1/usage} and messages show. */
    public static BigDecimal amount(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }

    private static Price price(PricingProperties.ModelPrice price, String property) {
        return new Price(micros(price.inputPerMillion(), property + ".input-per-million"),
                micros(price.outputPerMillion(), property + ".output-per-million"));
    }
}
