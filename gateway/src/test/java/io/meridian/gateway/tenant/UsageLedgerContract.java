package io.meridian.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * What every {@link UsageLedger} promises, run against each of them: holds never add up past a
 * limit, settling gives a hold back and counts the real usage, a hold never settled expires, a task
 * is charged when it is accepted and corrected once by its first report. Each test has a tenant of
 * its own and a clock on a day of its own, so that the deployment's counters of one test (and of
 * earlier runs on a shared Redis) are not another's.
 */
abstract class UsageLedgerContract {

    static final Duration TTL = Duration.ofMinutes(5);
    static final TenantProperties.Limits NONE = new TenantProperties.Limits(null, null, null, null);

    final MutableClock clock = new MutableClock(Instant.parse("2100-01-01T00:00:00Z")
            .plus(Duration.ofDays(ThreadLocalRandom.current().nextInt(300_000))).plusSeconds(5));
    final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

    /** The ledger under test, on {@link #clock}, holding reservations for {@link #TTL}. */
    abstract UsageLedger ledger();

    static TenantProperties.Limits perDay(long tokens) {
        return new TenantProperties.Limits(null, null, tokens, null);
    }

    UsageLedger.Hold reserve(UsageLedger ledger, String who, TenantProperties.Limits limits, TenantProperties.Limits global,
            long tokens) {
        return ledger.reserve(who, limits, global, tokens).block(Duration.ofSeconds(10));
    }

    /**
     * Waits until the tenant's usage today is {@code tokens}: a settle is never waited for by the
     * request that made it, so the next reservation may arrive before it (Redis runs them in turn).
     * Reads with a reservation of nothing, which holds nothing.
     */
    void awaitUsageToday(UsageLedger ledger, long tokens) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> reserve(ledger, tenant, NONE, NONE, 0).usage().tokensToday() == tokens);
    }

    @Test
    void concurrentReservationsNeverHoldMoreThanTheLimit() {
        UsageLedger ledger = ledger();
        List<UsageLedger.Hold> holds = Flux.range(0, 64)
                .flatMap(i -> reactor.core.publisher.Mono.defer(() -> ledger.reserve(tenant, perDay(100), NONE, 10))
                        .subscribeOn(Schedulers.parallel()), 64)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(holds).filteredOn(UsageLedger.Hold::admitted).hasSize(10);
        assertThat(holds).filteredOn(hold -> !hold.admitted()).hasSize(54)
                .allSatisfy(hold -> assertThat(hold.refused()).isEqualTo("tokens_per_day"));
    }

    @Test
    void settlingGivesTheHoldBackAndCountsTheRealUsage() {
        UsageLedger ledger = ledger();
        UsageLedger.Hold first = reserve(ledger, tenant, perDay(100), NONE, 50);
        assertThat(reserve(ledger, tenant, perDay(100), NONE, 51).refused()).isEqualTo("tokens_per_day");

        ledger.settle(first, 20);
        awaitUsageToday(ledger, 20);

        UsageLedger.Hold second = reserve(ledger, tenant, perDay(100), NONE, 80);
        assertThat(second.admitted()).isTrue();
        assertThat(second.usage().tokensToday()).isEqualTo(20);
        UsageLedger.Hold third = reserve(ledger, tenant, perDay(100), NONE, 1);
        assertThat(third.refused()).isEqualTo("tokens_per_day");
        assertThat(third.usage().tokensToday()).isEqualTo(100);
    }

    @Test
    void aHoldNeverSettledIsGivenBackAfterItsTtl() {
        UsageLedger ledger = ledger();
        assertThat(reserve(ledger, tenant, perDay(100), NONE, 100).admitted()).isTrue();
        clock.advance(TTL.minusSeconds(1));
        assertThat(reserve(ledger, tenant, perDay(100), NONE, 1).admitted()).isFalse();

        clock.advance(Duration.ofSeconds(2));

        assertThat(reserve(ledger, tenant, perDay(100), NONE, 100).admitted()).isTrue();
    }

    @Test
    void anAcceptedTaskIsChargedItsReservationAndCorrectedOnceByItsFirstReport() {
        UsageLedger ledger = ledger();
        String task = "task:us-east." + UUID.randomUUID();
        ledger.settleAsTask(reserve(ledger, tenant, perDay(100), NONE, 40), task);
        awaitUsageToday(ledger, 40);
        assertThat(reserve(ledger, tenant, perDay(100), NONE, 61).refused()).isEqualTo("tokens_per_day");

        ledger.recordOnce(tenant, task, 10);   // it used less than it reserved: 30 back
        ledger.recordOnce(tenant, task, 10);   // read again: nothing
        awaitUsageToday(ledger, 10);

        UsageLedger.Hold next = reserve(ledger, tenant, perDay(100), NONE, 90);
        assertThat(next.admitted()).isTrue();
        assertThat(next.usage().tokensToday()).isEqualTo(10);
    }

    @Test
    void aTaskThatUsedMoreThanItReservedIsChargedTheDifference() {
        UsageLedger ledger = ledger();
        String task = "task:us-east." + UUID.randomUUID();
        ledger.settleAsTask(reserve(ledger, tenant, perDay(100), NONE, 10), task);
        awaitUsageToday(ledger, 10);

        ledger.recordOnce(tenant, task, 35);

        awaitUsageToday(ledger, 35);
        assertThat(reserve(ledger, tenant, perDay(100), NONE, 66).refused()).isEqualTo("tokens_per_day");
    }

    @Test
    void requestsThatReserveNoTokensAreRefusedOnlyByRequestsPerMinute() {
        UsageLedger ledger = ledger();
        TenantProperties.Limits limits = new TenantProperties.Limits(3L, null, 10L, null);
        assertThat(reserve(ledger, tenant, limits, NONE, 10).admitted()).isTrue();
        assertThat(reserve(ledger, tenant, limits, NONE, 0).admitted()).isTrue();
        assertThat(reserve(ledger, tenant, limits, NONE, 0).admitted()).isTrue();

        assertThat(reserve(ledger, tenant, limits, NONE, 0).refused()).isEqualTo("requests_per_minute");
        clock.advance(Duration.ofMinutes(1));
        assertThat(reserve(ledger, tenant, limits, NONE, 0).admitted()).isTrue();
    }

    @Test
    void theDeploymentsCapHoldsAcrossTenants() {
        UsageLedger ledger = ledger();
        TenantProperties.Limits global = perDay(30);
        assertThat(reserve(ledger, tenant, NONE, global, 20).admitted()).isTrue();

        UsageLedger.Hold other = reserve(ledger, tenant + "-other", NONE, global, 20);

        assertThat(other.refused()).isEqualTo("global_tokens_per_day");
        assertThat(other.usage().globalTokensToday()).isEqualTo(20);
    }

    @Test
    void aNewDayStartsWithNothingSpentButHoldsStillCount() {
        UsageLedger ledger = ledger();
        clock.advance(Duration.ofDays(1).minusMinutes(2));   // 23:58
        ledger.settle(reserve(ledger, tenant, perDay(100), NONE, 60), 60);
        awaitUsageToday(ledger, 60);
        reserve(ledger, tenant, perDay(100), NONE, 30);   // held across midnight

        clock.advance(Duration.ofMinutes(3));

        UsageLedger.Hold next = reserve(ledger, tenant, perDay(100), NONE, 70);
        assertThat(next.admitted()).isTrue();
        assertThat(next.usage().tokensToday()).isEqualTo(30);
    }

    static TenantProperties.Limits spendPerDay(String amount) {
        return new TenantProperties.Limits(null, null, null, null, null, new java.math.BigDecimal(amount), null);
    }

    UsageLedger.Hold reserve(UsageLedger ledger, String who, String key, TenantProperties.Limits limits,
            TenantProperties.Limits global, long tokens, long spend) {
        return ledger.reserve(who, key, limits, global, tokens, spend).block(Duration.ofSeconds(10));
    }

    /** Waits until {@code account}'s spend today is {@code micros} (a settle is not waited for by its request). */
    void awaitSpendToday(UsageLedger ledger, String account, long micros) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> ledger.figures(account).block(Duration.ofSeconds(10)).spendToday() == micros);
    }

    @Test
    void concurrentReservationsNeverHoldMoreSpendThanTheCap() {
        UsageLedger ledger = ledger();
        // 100 micro-units a day; each request holds 10 (and 1 token, which no limit caps).
        List<UsageLedger.Hold> holds = Flux.range(0, 64)
                .flatMap(i -> reactor.core.publisher.Mono.defer(() -> ledger.reserve(tenant, "k", spendPerDay("0.0001"), NONE,
                        1, 10)).subscribeOn(Schedulers.parallel()), 64)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(holds).filteredOn(UsageLedger.Hold::admitted).hasSize(10).allSatisfy(hold -> {
            assertThat(hold.spend()).isEqualTo(10);
            assertThat(hold.usage().spendToday()).isLessThanOrEqualTo(90);
        });
        assertThat(holds).filteredOn(hold -> !hold.admitted()).hasSize(54)
                .allSatisfy(hold -> assertThat(hold.refused()).isEqualTo("spend_per_day"));
    }

    @Test
    void settlingCountsTheSpendOfTheTenantItsKeyAndTheDeployment() {
        UsageLedger ledger = ledger();
        UsageLedger.Hold hold = reserve(ledger, tenant, "key-a", spendPerDay("0.0001"), NONE, 10, 80);
        assertThat(reserve(ledger, tenant, "key-a", spendPerDay("0.0001"), NONE, 10, 21).refused()).isEqualTo("spend_per_day");

        ledger.settle(hold, 8, 30);
        awaitSpendToday(ledger, tenant, 30);

        UsageLedger.Figures key = ledger.figures(UsageLedger.keyAccount(tenant, "key-a")).block(Duration.ofSeconds(10));
        assertThat(key.spendToday()).isEqualTo(30);
        assertThat(key.spendThisMonth()).isEqualTo(30);
        assertThat(key.tokensToday()).isEqualTo(8);
        assertThat(ledger.figures(UsageLedger.keyAccount(tenant, "key-b")).block(Duration.ofSeconds(10)).spendToday()).isZero();
        assertThat(ledger.figures(UsageLedger.GLOBAL).block(Duration.ofSeconds(10)).spendToday()).isEqualTo(30);
        UsageLedger.Hold next = reserve(ledger, tenant, "key-a", spendPerDay("0.0001"), NONE, 10, 70);
        assertThat(next.admitted()).isTrue();
        assertThat(next.usage().spendToday()).isEqualTo(30);
        assertThat(reserve(ledger, tenant, "key-a", spendPerDay("0.0001"), NONE, 10, 1).refused()).isEqualTo("spend_per_day");
    }

    @Test
    void aSpendHoldNeverSettledIsGivenBackAfterItsTtl() {
        UsageLedger ledger = ledger();
        assertThat(reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 1, 100).admitted()).isTrue();
        assertThat(reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 1, 1).admitted()).isFalse();

        clock.advance(TTL.plusSeconds(1));

        assertThat(reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 1, 100).admitted()).isTrue();
    }

    @Test
    void aRequestThatHoldsNoSpendIsNotRefusedByASpendCap() {
        UsageLedger ledger = ledger();
        ledger.settle(reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 1, 100), 1, 100);
        awaitSpendToday(ledger, tenant, 100);

        assertThat(reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 1, 0).admitted()).isTrue();
        assertThat(reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 1, 1).refused()).isEqualTo("spend_per_day");
    }

    @Test
    void theDeploymentsSpendCapHoldsAcrossTenants() {
        UsageLedger ledger = ledger();
        TenantProperties.Limits global = spendPerDay("0.00003");
        assertThat(reserve(ledger, tenant, "k", NONE, global, 1, 20).admitted()).isTrue();

        UsageLedger.Hold other = reserve(ledger, tenant + "-other", "k", NONE, global, 1, 20);

        assertThat(other.refused()).isEqualTo("global_spend_per_day");
        assertThat(other.usage().globalSpendToday()).isEqualTo(20);
    }

    @Test
    void anAcceptedTasksSpendIsCorrectedOnceToItsUsageAtTheChargesPrice() {
        UsageLedger ledger = ledger();
        String task = "task:us-east." + UUID.randomUUID();
        Price price = new Price(1_000_000, 2_000_000);   // 1 and 2 micro-units a token
        ledger.settleAsTask(reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 40, 80), task, price);
        awaitSpendToday(ledger, tenant, 80);

        ledger.recordOnce(tenant, task, 10, 5, Price.FREE);   // 10 + 2 * 5 = 20: 60 back
        ledger.recordOnce(tenant, task, 10, 5, Price.FREE);   // read again: nothing
        awaitSpendToday(ledger, tenant, 20);
        awaitUsageToday(ledger, 15);

        assertThat(reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 1, 80).admitted()).isTrue();
    }

    @Test
    void aTasksFirstReportWithoutAChargeIsPricedAtThePriceGiven() {
        UsageLedger ledger = ledger();
        String task = "task:us-east." + UUID.randomUUID();

        ledger.recordOnce(tenant, task, 3, 4, new Price(1_000_000, 1_000_000));

        awaitSpendToday(ledger, tenant, 7);
    }

    @Test
    void aNewMonthStartsWithNoSpendCounted() {
        UsageLedger ledger = ledger();
        ledger.settle(reserve(ledger, tenant, "k", NONE, NONE, 1, 50), 1, 50);
        awaitSpendToday(ledger, tenant, 50);

        clock.advance(Duration.ofDays(32));

        UsageLedger.Figures figures = ledger.figures(tenant).block(Duration.ofSeconds(10));
        assertThat(figures.spendToday()).isZero();
        assertThat(figures.spendThisMonth()).isZero();
    }
}
