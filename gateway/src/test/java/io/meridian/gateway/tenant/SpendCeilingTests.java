package io.meridian.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.testing.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The spend rate measured from samples of the month's spend on an injected clock: the projection to
 * an hour, the window sliding, a new month, and the states that hold the pools and refuse tenants.
 */
class SpendCeilingTests {

    /** 10 EUR an hour, holding from 80 %, over a 60 s window. */
    final PricingProperties.Ceiling settings = new PricingProperties.Ceiling(new BigDecimal("10"), 0.8, 1,
            Duration.ofSeconds(60), Duration.ofSeconds(5));

    final MutableClock clock = new MutableClock();

    final SpendCeiling ceiling = new SpendCeiling(new LocalUsageLedger(clock, Duration.ofMinutes(5)), settings, clock);

    final Tenant low = new Tenant("low", new TenantProperties.Limits(null, null, null, null), null, Set.of(), 0);

    final Tenant vip = new Tenant("vip", new TenantProperties.Limits(null, null, null, null), null, Set.of(), 1);

    /** Micro-units of {@code amount} EUR. */
    static long eur(String amount) {
        return Pricing.micros(new BigDecimal(amount), "test");
    }

    @Test
    void projectsTheSpendOfTheWindowToAnHour() {
        ceiling.record(eur("100"), true);
        clock.advance(Duration.ofSeconds(36));
        ceiling.record(eur("100.05"), true);

        // 0.05 in 36 s is 5 an hour: under the 8 from which pools hold.
        assertThat(ceiling.ratePerHour()).isEqualTo(eur("5"));
        assertThat(ceiling.state()).isEqualTo(SpendCeiling.State.UNDER);
        assertThat(ceiling.holding()).isFalse();
        assertThat(ceiling.refuses(low)).isFalse();
    }

    @Test
    void holdsThePoolsFromHoldAtAndRefusesLowPriorityTenantsAtTheCeiling() {
        ceiling.record(0, true);
        clock.advance(Duration.ofSeconds(36));
        ceiling.record(eur("0.09"), true);
        assertThat(ceiling.ratePerHour()).isEqualTo(eur("9"));
        assertThat(ceiling.state()).isEqualTo(SpendCeiling.State.HOLD);
        assertThat(ceiling.holding()).isTrue();
        assertThat(ceiling.refuses(low)).isFalse();

        clock.advance(Duration.ofSeconds(18));
        ceiling.record(eur("0.15"), true);
        assertThat(ceiling.ratePerHour()).isEqualTo(eur("10"));
        assertThat(ceiling.state()).isEqualTo(SpendCeiling.State.OVER);
        assertThat(ceiling.refuses(low)).isTrue();
        assertThat(ceiling.refuses(vip)).isFalse();
        assertThat(ceiling.refusal(low, "EUR")).contains("10.000000 EUR an hour").contains("priority 1")
                .contains("tenant 'low' (priority 0)");
    }

    @Test
    void theWindowSlidesSoAQuietMinuteBringsTheRateDown() {
        ceiling.record(0, true);
        clock.advance(Duration.ofSeconds(30));
        ceiling.record(eur("1"), true);
        assertThat(ceiling.state()).isEqualTo(SpendCeiling.State.OVER);

        for (int i = 0; i < 13; i++) {
            clock.advance(Duration.ofSeconds(5));
            ceiling.record(eur("1"), true);
        }

        assertThat(ceiling.ratePerHour()).isZero();
        assertThat(ceiling.state()).isEqualTo(SpendCeiling.State.UNDER);
        assertThat(ceiling.refuses(low)).isFalse();
    }

    @Test
    void aNewMonthRestartsTheWindowInsteadOfCountingANegativeRate() {
        ceiling.record(eur("500"), true);
        clock.advance(Duration.ofSeconds(5));
        ceiling.record(eur("0.01"), true);

        assertThat(ceiling.ratePerHour()).isZero();
        clock.advance(Duration.ofSeconds(36));
        ceiling.record(eur("0.06"), true);
        assertThat(ceiling.ratePerHour()).isEqualTo(eur("5"));
    }

    @Test
    void withoutACeilingNothingIsEverHeldOrRefused() {
        SpendCeiling off = new SpendCeiling(new LocalUsageLedger(clock, Duration.ofMinutes(5)),
                PricingProperties.Ceiling.NONE, clock);
        assertThat(off.enabled()).isFalse();
        assertThat(SpendCeiling.OFF.holding()).isFalse();
        assertThat(SpendCeiling.OFF.refuses(low)).isFalse();
    }
}
