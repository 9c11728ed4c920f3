package io.meridian.gateway.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Key owners in this gateway's memory: bounded to {@code maxKeys} (the least recently written are
 * dropped first) and forgotten {@code ttl} after their claim. Another gateway knows nothing of
 * them, so it may send the same key to another region.
 */
public final class LocalKeyOwnership implements KeyOwnership {

    private final Cache<String, KeyOwner> owners;

    public LocalKeyOwnership(Duration ttl, long maxKeys, Ticker ticker) {
        this.owners = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterWrite(ttl)
                .ticker(ticker)
                .build();
    }

    @Override
    public Mono<KeyOwner> owner(IdempotencyKey key) {
        return Mono.justOrEmpty(owners.getIfPresent(key.hash()));
    }

    @Override
    public Mono<KeyOwner> claim(IdempotencyKey key, @Nullable KeyOwner expected, KeyOwner next) {
        return Mono.fromSupplier(() -> claimNow(key, expected, next));
    }

    /** The compare-and-set, at once. */
    KeyOwner claimNow(IdempotencyKey key, @Nullable KeyOwner expected, KeyOwner next) {
        return Objects.requireNonNull(owners.asMap().compute(key.hash(),
                (hash, current) -> current == null || current.equals(expected) ? next : current));
    }

    /** Records {@code owner} as Redis has it, so that this gateway still knows it should Redis fail. */
    void remember(IdempotencyKey key, KeyOwner owner) {
        owners.put(key.hash(), owner);
    }

    /** Keys held now (an estimate, for tests). */
    long size() {
        return owners.estimatedSize();
    }

    /** Runs pending evictions now (for tests). */
    void cleanUp() {
        owners.cleanUp();
    }

    @Override
    public boolean isShared() {
        return false;
    }
}
