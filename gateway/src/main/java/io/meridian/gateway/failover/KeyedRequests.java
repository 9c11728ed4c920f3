package io.meridian.gateway.failover;

import io.meridian.gateway.failover.AttemptPlan.Target;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.idempotency.IdempotencyKey;
import io.meridian.gateway.idempotency.KeyOwner;
import io.meridian.gateway.idempotency.KeyOwnership;
import io.meridian.gateway.tenant.Tenant;
import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianHeaders;
import io.meridian.protocol.ReadinessDetails;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The attempt path's side of idempotency keys: a keyed request (an unsafe method with an
 * {@code Idempotency-Key}) goes to the region that owns its key, and moves to another region only
 * as the {@link ResendPolicy} allows.
 *
 * <p>Design note. {@link #open} reads the key's owner once per request. A live owner's endpoints
 * come first in the plan, its recorded endpoint first of all. A key without an owner is claimed for
 * the region of the first attempt, just before it is sent; a request that goes on to another region
 * moves the claim there (a compare-and-set, so that gateways racing for a key agree). Moving away
 * from a region the request may have reached (it was sent there, or the key's earlier request was)
 * is allowed only once that region is gone, and is a counted duplicate
 * ({@code meridian.failover.duplicates}, logged at INFO with the key's hash); moving away from a
 * region that only failed to connect, or refused the attempt, is not. A key whose owner's endpoint
 * reports another store epoch than the one recorded with the claim lost its task with the region's
 * store: the repeat is answered {@code 410 task_lost} rather than run again under the same key.
 * The duplicate is counted when the claim moves, so a successor that then refuses the attempt (a
 * full bulkhead) counts one that did not run.
 */
final class KeyedRequests {

    private static final Logger log = LoggerFactory.getLogger(FailoverForwardingFilter.class);

    private final @Nullable KeyOwnership ownership;
    private final HealthRegistry health;
    private final RegionGuards guards;
    private final RegionCatalog catalog;
    private final FailoverMetrics metrics;

    /** @param ownership the key owners; {@code null} when ownership is off (a keyed request is still held to two regions) */
    KeyedRequests(@Nullable KeyOwnership ownership, HealthRegistry health, RegionGuards guards, RegionCatalog catalog,
            FailoverMetrics metrics) {
        this.ownership = ownership;
        this.catalog = catalog;
        this.health = health;
        this.guards = guards;
        this.metrics = metrics;
    }

    /** What a request's run has to keep to: for an unkeyed one, nothing but its plan. */
    Mono<Keyed> open(ServerWebExchange exchange, AttemptPlan plan) {
        String method = exchange.getRequest().getMethod().name();
        List<String> headers = exchange.getRequest().getHeaders().get(MeridianHeaders.IDEMPOTENCY_KEY);
        if (headers != null && headers.size() > 1) {
            // Which copy names the task would be the reader's choice: refused before any claim.
            Keyed twice = new Keyed(plan, null, false);
            twice.refusal = new Refusal(HttpStatus.BAD_REQUEST, ErrorCodes.INVALID_HEADER,
                    MeridianHeaders.repeatedMessage(MeridianHeaders.IDEMPOTENCY_KEY), MeridianHeaders.IDEMPOTENCY_KEY, false);
            return Mono.just(twice);
        }
        String header = headers == null ? null : headers.getFirst();
        if (header == null || !ResendPolicy.keyed(method, true)) {
            return Mono.just(new Keyed(plan, null, false));
        }
        Tenant tenant = exchange.getAttribute(Tenant.ATTRIBUTE);
        IdempotencyKey key = IdempotencyKey.of(tenant == null ? null : tenant.id(), header);
        if (ownership == null) {
            return Mono.just(new Keyed(plan, key, true));
        }
        return ownership.owner(key)
                .map(owner -> {
                    Keyed keyed = new Keyed(ownersFirst(plan, owner), key, true);
                    keyed.adopt(owner);
                    keyed.refusal = lost(owner);
                    return keyed;
                })
                .defaultIfEmpty(new Keyed(plan, key, true));
    }

    /** The plan with a live owner's endpoints first, its recorded endpoint first of all. */
    private AttemptPlan ownersFirst(AttemptPlan plan, KeyOwner owner) {
        List<Target> first = new ArrayList<>();
        List<Target> rest = new ArrayList<>();
        for (Target target : plan.targets()) {
            (target.region().id().equals(owner.region()) ? first : rest).add(target);
        }
        if (first.isEmpty() || state(owner.region()) != ResendPolicy.Owner.ALIVE) {
            return plan;
        }
        first.sort((a, b) -> Boolean.compare(!a.endpoint().equals(owner.endpoint()), !b.endpoint().equals(owner.endpoint())));
        first.addAll(rest);
        return new AttemptPlan(first);
    }

    /** The 410 for a key whose owner's store started anew since the claim, else {@code null}. */
    private @Nullable Refusal lost(KeyOwner owner) {
        ReadinessDetails.Limits now = health.limits(owner.endpoint());
        if (owner.epoch() == null || now.epoch() == null || owner.epoch().equals(now.epoch())) {
            return null;
        }
        String store = ReadinessDetails.STORE_MEMORY.equals(now.store()) ? "its tasks were kept in memory"
                : "its task store was created anew";
        return new Refusal(HttpStatus.GONE, ErrorCodes.TASK_LOST, "region '" + owner.region() + "' restarted (store epoch '"
                + now.epoch() + "', was '" + owner.epoch() + "' when this key's request was sent there) and lost the "
                + "task of this " + MeridianHeaders.IDEMPOTENCY_KEY + ": " + store + ". The key is not reused, so that the "
                + "task never runs again unnoticed; send the request with a new " + MeridianHeaders.IDEMPOTENCY_KEY
                + " to run it again", MeridianHeaders.IDEMPOTENCY_KEY, false);
    }

    /**
     * Alive (healthy, circuit not open) or gone; a region no longer in the catalog is gone. A run
     * also counts a region gone once it refused the run's connection (the health checks may be off).
     */
    private ResendPolicy.Owner state(String region) {
        return catalog.find(region).map(this::state).orElse(ResendPolicy.Owner.GONE);
    }

    private ResendPolicy.Owner state(Region region) {
        return health.isHealthy(region) && !guards.circuitOpen(region) ? ResendPolicy.Owner.ALIVE : ResendPolicy.Owner.GONE;
    }

    /**
     * An answer the gateway gives instead of sending a keyed request on.
     *
     * @param retryAfter whether to say Retry-After (the owner is up but could not take the request now)
     */
    record Refusal(HttpStatus status, String code, String message, @Nullable String field, boolean retryAfter) {
    }

    /** The outcome of claiming a key for an attempt: go ahead at {@code index}, or refuse. */
    record Claim(int index, @Nullable Refusal refusal) {
    }

    /** One request's keyed state: its plan, its key's owner as this run knows it, the regions it may have reached. */
    final class Keyed {

        private final AttemptPlan plan;
        private final @Nullable IdempotencyKey key;
        private final boolean keyed;
        private final Set<String> reached = new LinkedHashSet<>();
        private final Set<String> refused = new LinkedHashSet<>();
        private @Nullable KeyOwner owner;
        private @Nullable Refusal refusal;

        private Keyed(AttemptPlan plan, @Nullable IdempotencyKey key, boolean keyed) {
            this.plan = plan;
            this.key = key;
            this.keyed = keyed;
        }

        AttemptPlan plan() {
            return plan;
        }

        /**
         * The answer given instead of any attempt, else {@code null}: the key's task was lost with its
         * owner's store, or the request carries two keys.
         */
        @Nullable Refusal answerInstead() {
            return refusal;
        }

        /** Whether the request must claim its key before an attempt at {@code target}. */
        boolean needsClaim(Target target) {
            return key != null && ownership != null && (owner == null || !owner.region().equals(target.region().id()));
        }

        /**
         * Claims the key for {@code target}'s region, the attempt at {@code index}: refused while the
         * region that may hold its task is alive, or after two regions; redirected to another
         * gateway's live owner when it won the key first.
         */
        Mono<Claim> claim(Target target, int index) {
            String to = target.region().id();
            KeyOwner expected = owner;
            ResendPolicy.Owner holder = expected != null && reached.contains(expected.region())
                    ? state(expected.region()) : ResendPolicy.Owner.NONE;
            ResendPolicy.Verdict verdict = reached.contains(to) ? ResendPolicy.Verdict.RESEND
                    : ResendPolicy.toNewRegion(holder, reached.size());
            if (verdict != ResendPolicy.Verdict.RESEND) {
                return Mono.just(new Claim(index, refusal(verdict, Objects.requireNonNull(expected).region(), null)));
            }
            KeyOwner next = new KeyOwner(to, target.endpoint(), health.limits(target.endpoint()).epoch());
            return Objects.requireNonNull(ownership).claim(Objects.requireNonNull(key), expected, next).flatMap(now -> {
                if (now.equals(next)) {
                    if (holder == ResendPolicy.Owner.GONE) {
                        duplicate(Objects.requireNonNull(expected), to);
                    }
                    owner = next;
                    return Mono.just(new Claim(index, null));
                }
                // Another gateway claimed the key meanwhile: its region may have the task.
                adopt(now);
                int at = indexOf(now.region());
                if (at >= 0 && state(now.region()) == ResendPolicy.Owner.ALIVE) {
                    return Mono.just(new Claim(at, null));
                }
                return claim(target, index);
            });
        }

        /** Notes a failed attempt at {@code region}: it may have reached it unless it failed to connect. */
        void failed(Region region, AttemptFailure failure) {
            if (key != null && failure.mayHaveReachedRegion()) {
                reached.add(region.id());
            }
            if (failure == AttemptFailure.CONNECT) {
                refused.add(region.id());
            }
        }

        /** Alive or gone, as {@link KeyedRequests#state}, and gone once it refused this request's connection. */
        private ResendPolicy.Owner state(String region) {
            return refused.contains(region) ? ResendPolicy.Owner.GONE : KeyedRequests.this.state(region);
        }

        /** The traits {@link ResendPolicy#after} weighs, for a failure at {@code region}. */
        ResendPolicy.Request traits(boolean idempotent, boolean bodyKept, boolean bodyUnread, Region region) {
            if (!keyed) {
                return new ResendPolicy.Request(idempotent, bodyKept, bodyUnread);
            }
            ResendPolicy.Owner state = ownership == null || !reached.contains(region.id()) ? ResendPolicy.Owner.NONE
                    : state(region.id());
            return new ResendPolicy.Request(idempotent, bodyKept, bodyUnread, true, state, reached.size());
        }

        /** The answer for a keyed request that {@code verdict} keeps from going on after {@code failure} at {@code region}. */
        Refusal refusal(ResendPolicy.Verdict verdict, String region, @Nullable AttemptFailure failure) {
            String what = failure == null ? "" : "region '" + region + "' " + failure.description + "; ";
            String repeat = "repeat the request with the same " + MeridianHeaders.IDEMPOTENCY_KEY + " to reach its task";
            if (verdict == ResendPolicy.Verdict.TWO_REGIONS) {
                return new Refusal(HttpStatus.BAD_GATEWAY, ErrorCodes.REGION_FAILED, what + "this "
                        + MeridianHeaders.IDEMPOTENCY_KEY + "'s request may already have run in regions '"
                        + String.join("' and '", reached) + "', and a keyed request is never sent to a third; "
                        + repeat + " once one of them is back", null, true);
            }
            String held = "the task of this " + MeridianHeaders.IDEMPOTENCY_KEY + " is in region '" + region
                    + "', which is still up, so the request was not sent to another region (that would run it twice); ";
            if (failure == null) {
                return new Refusal(HttpStatus.SERVICE_UNAVAILABLE, ErrorCodes.NO_REGION_AVAILABLE, held.replace(
                        "which is still up", "which is up but cannot take the request now") + repeat, null, true);
            }
            return failure == AttemptFailure.TIMEOUT
                    ? new Refusal(HttpStatus.GATEWAY_TIMEOUT, ErrorCodes.REGION_TIMEOUT, what + held + repeat, null, false)
                    : new Refusal(HttpStatus.BAD_GATEWAY, ErrorCodes.REGION_FAILED, what + held + repeat, null, false);
        }

        private void adopt(KeyOwner found) {
            owner = found;
            reached.add(found.region());
        }

        private void duplicate(KeyOwner from, String to) {
            metrics.duplicate(from.region(), to);
            log.info("Idempotency key {} moves from region {}, which may have run its request and is gone, to region {}: "
                    + "a possible duplicate execution", key, from.region(), to);
        }

        private int indexOf(String region) {
            List<Target> targets = plan.targets();
            for (int i = 0; i < targets.size(); i++) {
                if (targets.get(i).region().id().equals(region)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
