package io.meridian.gateway.idempotency;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Which region owns each idempotency key, for {@link IdempotencyProperties#ttl()} after it was
 * claimed. Every change is a compare-and-set, so that gateways racing for one key agree on one
 * owner.
 */
public interface KeyOwnership {

    /** The key's owner, or an empty Mono when it has none (never claimed, or expired). */
    Mono<KeyOwner> owner(IdempotencyKey key);

    /**
     * Makes {@code next} the key's owner if its owner is still {@code expected}, or if it has none
     * (never claimed, or expired since), with a fresh time to live.
     *
     * @return the key's owner afterwards: {@code next} when the claim won, else the owner that holds it
     */
    Mono<KeyOwner> claim(IdempotencyKey key, @Nullable KeyOwner expected, KeyOwner next);

    /** Whether owners are shared with the other gateways right now. */
    boolean isShared();
}
