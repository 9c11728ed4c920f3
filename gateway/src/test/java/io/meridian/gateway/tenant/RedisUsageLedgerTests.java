package io.meridian.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ledger the gateways share, against a real Redis: the same promises, across gateways. */
class RedisUsageLedgerTests extends UsageLedgerContract {

    private final List<RedisUsageLedger> opened = new ArrayList<>();

    @Override
    UsageLedger ledger() {
        RedisUsageLedger ledger = new RedisUsageLedger(TestRedis.url(), new LocalUsageLedger(clock, TTL), clock,
                Duration.ofSeconds(5), TTL);
        opened.add(ledger);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            ledger.reserve("warm-up-" + tenant, NONE, NONE, 0).block(Duration.ofSeconds(5));
            return ledger.isShared();
        });
        return ledger;
    }

    /**
     * The deployment's holds are one pot for every window, and this class's tests each run on a day
     * of their own: a hold one test left behind, on a later day, would not have expired for the next.
     */
    @org.junit.jupiter.api.BeforeEach
    void dropTheDeploymentsHoldsOfEarlierTests() {
        try (var client = io.lettuce.core.RedisClient.create(TestRedis.url()); var connection = client.connect()) {
            connection.sync().del(RedisUsageLedger.KEY_PREFIX + UsageLedger.GLOBAL + ":held",
                    RedisUsageLedger.KEY_PREFIX + UsageLedger.GLOBAL + ":holds",
                    RedisUsageLedger.KEY_PREFIX + UsageLedger.GLOBAL + ":spend-held",
                    RedisUsageLedger.KEY_PREFIX + UsageLedger.GLOBAL + ":spend-holds");
        }
    }

    @AfterEach
    void close() {
        opened.forEach(RedisUsageLedger::close);
    }

    @Test
    void twoGatewaysTogetherNeverHoldMoreThanTheLimit() {
        UsageLedger first = ledger();
        UsageLedger second = ledger();

        long admitted = reactor.core.publisher.Flux.range(0, 64)
                .flatMap(i -> (i % 2 == 0 ? first : second).reserve(tenant, perDay(100), NONE, 10), 64)
                .filter(UsageLedger.Hold::admitted).count().block(Duration.ofSeconds(30));

        assertThat(admitted).isEqualTo(10);
    }

    @Test
    void aHoldIsSettledInTheLedgerThatMadeIt() {
        UsageLedger first = ledger();
        UsageLedger second = ledger();
        UsageLedger.Hold hold = reserve(first, tenant, perDay(100), NONE, 100);

        second.settle(hold, 5);
        awaitUsageToday(first, 5);

        UsageLedger.Hold next = reserve(first, tenant, perDay(100), NONE, 95);
        assertThat(next.admitted()).isTrue();
        assertThat(next.usage().tokensToday()).isEqualTo(5);
    }

    @Test
    void anUnreachableRedisHoldsInThisGatewaysMemory() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (RedisUsageLedger ledger = new RedisUsageLedger("redis://127.0.0.1:" + closedPort,
                new LocalUsageLedger(clock, TTL), clock, Duration.ofSeconds(1), TTL)) {
            UsageLedger.Hold hold = reserve(ledger, tenant, perDay(100), NONE, 100);
            assertThat(hold.local()).isTrue();
            assertThat(reserve(ledger, tenant, perDay(100), NONE, 1).refused()).isEqualTo("tokens_per_day");
            ledger.settle(hold, 0);   // in memory: at once
            assertThat(reserve(ledger, tenant, perDay(100), NONE, 100).admitted()).isTrue();
        }
    }

    @Test
    void anUnreachableRedisCountsSpendInThisGatewaysMemoryAndSaysSo() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (RedisUsageLedger ledger = new RedisUsageLedger("redis://127.0.0.1:" + closedPort,
                new LocalUsageLedger(clock, TTL), clock, Duration.ofSeconds(1), TTL)) {
            UsageLedger.Hold hold = reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 1, 100);
            assertThat(hold.local()).isTrue();
            assertThat(reserve(ledger, tenant, "k", spendPerDay("0.0001"), NONE, 1, 1).refused()).isEqualTo("spend_per_day");

            ledger.settle(hold, 1, 40);   // in memory: at once

            UsageLedger.Figures figures = ledger.figures(UsageLedger.keyAccount(tenant, "k")).block(Duration.ofSeconds(10));
            assertThat(figures.spendToday()).isEqualTo(40);
            assertThat(figures.shared()).isFalse();
        }
    }

    @Test
    void spendCountedWhileRedisWasAwayStaysInTheFiguresOnceItIsBack() {
        LocalUsageLedger memory = new LocalUsageLedger(clock, TTL);
        memory.settle(memory.reserveNow(tenant, "k", NONE, NONE, 1, 25), 1, 25);   // what a settle counts when Redis fails
        RedisUsageLedger ledger = new RedisUsageLedger(TestRedis.url(), memory, clock, Duration.ofSeconds(5), TTL);
        opened.add(ledger);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            ledger.reserve("warm-up-" + tenant, NONE, NONE, 0).block(Duration.ofSeconds(5));
            return ledger.isShared();
        });

        ledger.settle(reserve(ledger, tenant, "k", NONE, NONE, 1, 10), 1, 10);

        awaitSpendToday(ledger, tenant, 35);
        assertThat(ledger.figures(tenant).block(Duration.ofSeconds(10)).shared()).isTrue();
    }

    @Test
    void twoGatewaysTogetherNeverHoldMoreSpendThanTheCap() {
        UsageLedger first = ledger();
        UsageLedger second = ledger();

        long admitted = reactor.core.publisher.Flux.range(0, 64)
                .flatMap(i -> (i % 2 == 0 ? first : second).reserve(tenant, "k", spendPerDay("0.0001"), NONE, 1, 10), 64)
                .filter(UsageLedger.Hold::admitted).count().block(Duration.ofSeconds(30));

        assertThat(admitted).isEqualTo(10);
    }
}
