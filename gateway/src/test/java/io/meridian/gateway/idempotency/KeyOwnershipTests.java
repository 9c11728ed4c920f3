package io.meridian.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.meridian.testing.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Key owners in this gateway's memory and in a real Redis: first claim wins, moves are compare-and-set. */
class KeyOwnershipTests {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final KeyOwner EU = new KeyOwner("eu-central", URI.create("http://eu:9002"), "e1");
    static final KeyOwner US = new KeyOwner("us-east", URI.create("http://us:9001"), "u1");
    static final KeyOwner AP = new KeyOwner("ap-southeast", URI.create("http://ap:9003"), null);

    static IdempotencyKey freshKey() {
        return IdempotencyKey.of("acme", "order-" + UUID.randomUUID());
    }

    @Test
    void aKeyIsHashedWithItsTenantSoThatTenantsNeverShareAKey() {
        IdempotencyKey acme = IdempotencyKey.of("acme", "order-42");

        assertThat(acme.hash()).hasSize(64).matches("[0-9a-f]+").doesNotContain("order");
        assertThat(acme).isEqualTo(IdempotencyKey.of("acme", "order-42"));
        assertThat(acme).isNotEqualTo(IdempotencyKey.of("globex", "order-42"));
        assertThat(IdempotencyKey.of("ac", "meorder-42")).isNotEqualTo(acme);
        assertThat(IdempotencyKey.of(null, "k")).isEqualTo(IdempotencyKey.of("anonymous", "k"));
    }

    @Test
    void anOwnerSurvivesItsStoredFormWithOrWithoutAnEpoch() {
        assertThat(KeyOwner.decode(EU.encoded())).isEqualTo(EU);
        assertThat(KeyOwner.decode(AP.encoded())).isEqualTo(AP);
        assertThat(KeyOwner.decode("garbage")).isNull();
    }

    /** The contract both stores keep. */
    abstract static class Contract {

        abstract KeyOwnership store();

        @Test
        void theFirstClaimWinsAndLaterClaimsForAnotherRegionSeeIt() {
            IdempotencyKey key = freshKey();
            KeyOwnership store = store();

            assertThat(store.owner(key).blockOptional(WAIT)).isEmpty();
            assertThat(store.claim(key, null, EU).block(WAIT)).isEqualTo(EU);
            assertThat(store.claim(key, null, US).block(WAIT)).isEqualTo(EU);
            assertThat(store.owner(key).block(WAIT)).isEqualTo(EU);
        }

        @Test
        void aMoveSucceedsOnlyFromTheOwnerItExpects() {
            IdempotencyKey key = freshKey();
            KeyOwnership store = store();
            store.claim(key, null, EU).block(WAIT);

            assertThat(store.claim(key, AP, US).block(WAIT)).isEqualTo(EU);
            assertThat(store.claim(key, EU, US).block(WAIT)).isEqualTo(US);
            assertThat(store.claim(key, EU, AP).block(WAIT)).isEqualTo(US);
            assertThat(store.owner(key).block(WAIT)).isEqualTo(US);
        }

        @Test
        void aKeyWithoutOwnerMayBeClaimedWhateverOwnerWasExpected() {
            IdempotencyKey key = freshKey();

            assertThat(store().claim(key, EU, US).block(WAIT)).isEqualTo(US);
        }
    }

    @Nested
    class InMemory extends Contract {

        final AtomicLong nanos = new AtomicLong();
        final LocalKeyOwnership local = new LocalKeyOwnership(Duration.ofHours(1), 1_000, nanos::get);

        @Override
        KeyOwnership store() {
            return local;
        }

        @Test
        void anOwnerIsForgottenOnceItsTimeToLiveIsOver() {
            IdempotencyKey key = freshKey();
            local.claim(key, null, EU).block(WAIT);

            nanos.addAndGet(Duration.ofMinutes(59).toNanos());
            assertThat(local.owner(key).block(WAIT)).isEqualTo(EU);
            nanos.addAndGet(Duration.ofMinutes(2).toNanos());
            assertThat(local.owner(key).blockOptional(WAIT)).isEmpty();
        }

        @Test
        void noMoreKeysThanTheBoundAreKept() {
            LocalKeyOwnership small = new LocalKeyOwnership(Duration.ofHours(1), 10, Ticker.systemTicker());
            for (int i = 0; i < 100; i++) {
                small.claim(freshKey(), null, EU).block(WAIT);
            }

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                small.cleanUp();
                return small.size() <= 10;
            });
        }

        @Test
        void isNeverShared() {
            assertThat(local.isShared()).isFalse();
        }
    }

    @Nested
    class InRedis extends Contract {

        final SimpleMeterRegistry meters = new SimpleMeterRegistry();

        RedisKeyOwnership gateway(String url) {
            return new RedisKeyOwnership(url,
                    Duration.ofHours(1), Duration.ofSeconds(5), new LocalKeyOwnership(Duration.ofHours(1), 1_000,
                    Ticker.systemTicker()), meters);
        }

        RedisKeyOwnership connected(String url) {
            RedisKeyOwnership store = gateway(url);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                store.owner(freshKey()).blockOptional(WAIT);
                return store.isShared();
            });
            return store;
        }

        RedisKeyOwnership store;

        @Override
        KeyOwnership store() {
            if (store == null) {
                store = connected(TestRedis.url());
            }
            return store;
        }

        @org.junit.jupiter.api.AfterEach
        void close() {
            if (store != null) {
                store.close();
            }
        }

        @Test
        void twoGatewaysOnOneRedisAgreeOnTheOwner() {
            IdempotencyKey key = freshKey();
            try (RedisKeyOwnership first = connected(TestRedis.url()); RedisKeyOwnership second = connected(TestRedis.url())) {
                double fallbacks = fallbacks();
                assertThat(first.claim(key, null, EU).block(WAIT)).isEqualTo(EU);

                assertThat(second.claim(key, null, US).block(WAIT)).isEqualTo(EU);
                assertThat(second.owner(key).block(WAIT)).isEqualTo(EU);
                assertThat(second.claim(key, EU, US).block(WAIT)).isEqualTo(US);
                assertThat(first.owner(key).block(WAIT)).isEqualTo(US);
                assertThat(fallbacks()).isEqualTo(fallbacks);
            }
        }

        double fallbacks() {
            return meters.find(RedisKeyOwnership.FALLBACKS).counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        }

        @Test
        void theHashedKeyIsStoredWithTheTimeToLiveAndNeverTheKeyItself() {
            String raw = "order-" + UUID.randomUUID();
            IdempotencyKey key = IdempotencyKey.of("acme", raw);
            store().claim(key, null, EU).block(WAIT);

            RedisClient client = RedisClient.create(TestRedis.url());
            try (StatefulRedisConnection<String, String> redis = client.connect()) {
                String stored = RedisKeyOwnership.KEY_PREFIX + key.hash();
                assertThat(redis.sync().get(stored)).isEqualTo(EU.encoded());
                assertThat(redis.sync().pttl(stored)).isBetween(1L, Duration.ofHours(1).toMillis());
                assertThat(redis.sync().keys("*" + raw + "*")).isEmpty();
            } finally {
                client.shutdown();
            }
        }

        @Test
        void anUnreachableRedisFallsBackToThisGatewaysMemoryAndCountsIt() throws Exception {
            int closedPort;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            IdempotencyKey key = freshKey();
            try (RedisKeyOwnership unreachable = gateway("redis://127.0.0.1:" + closedPort)) {
                assertThat(unreachable.claim(key, null, EU).block(WAIT)).isEqualTo(EU);
                assertThat(unreachable.claim(key, null, US).block(WAIT)).isEqualTo(EU);
                assertThat(unreachable.isShared()).isFalse();
            }
            assertThat(fallbacks()).isGreaterThanOrEqualTo(2);
        }
    }
}
