package io.meridian.gateway.failover;

import io.meridian.gateway.error.ErrorResponses;
import io.meridian.gateway.failover.AttemptPermits.Held;
import io.meridian.gateway.failover.AttemptPermits.Refused;
import io.meridian.gateway.failover.AttemptPlan.Target;
import io.meridian.gateway.forwarding.Deadline;
import io.meridian.gateway.forwarding.RegionAnswer;
import io.meridian.gateway.forwarding.RegionClient;
import io.meridian.gateway.forwarding.RegionRequest;
import io.meridian.gateway.forwarding.RequestBody;
import io.meridian.gateway.forwarding.ResponseRelay;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.observability.RequestTelemetry;
import io.meridian.gateway.residency.ResidencyPolicy;
import io.meridian.gateway.routing.BodyTooLargeException;
import io.meridian.gateway.routing.RoutingAttributes;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianHeaders;
import io.meridian.region.Region;
import io.micrometer.tracing.Span;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Runs a request's {@link AttemptPlan}: one attempt after another until a region answers, the
 * {@link ResendPolicy} forbids another, or no endpoint is left.
 *
 * <p>Each attempt first takes its {@link AttemptPermits}; a refused circuit or bulkhead skips the
 * region without touching the network, a spent retry budget ends the request. An attempt fails on
 * a connect failure, a connection reset or closed before any answer, no answer headers within the
 * deadlines of its kind of call ({@code CallDeadlines}), its region going down, or a 502/503/504 answer ({@link AttemptFailure}); any other answer, 5xx
 * included, is the region's word and goes to the client through the {@link ResponseRelay}. An
 * unsafe request whose region failed is answered {@code 502 region_failed}, saying it was not
 * re-sent and why; an unsafe request that got a 502/503/504 answer sees that answer. When no
 * endpoint is left the answer is {@code 503 no_region_available} with Retry-After, at once:
 * nothing here waits except the bounded attempts themselves. A keyed request (an unsafe method
 * with an {@code Idempotency-Key}) follows its key's owner: {@link KeyedRequests} orders its plan,
 * claims the key before each new region and weighs its owner's state in the policy's verdict, so
 * that it runs in one region while that lives and never in more than two.
 */
final class AttemptRunner {

    private static final Logger log = LoggerFactory.getLogger(FailoverForwardingFilter.class);

    private final RegionClient client;
    private final ResponseRelay relay;
    private final AttemptPermits permits;
    private final HealthRegistry health;
    private final FailoverMetrics metrics;
    private final KeyedRequests keyedRequests;
    private final long retryAfterSeconds;
    private final CallDeadlines deadlines;

    AttemptRunner(RegionClient client, ResponseRelay relay, AttemptPermits permits, HealthRegistry health,
            FailoverMetrics metrics, KeyedRequests keyedRequests, long retryAfterSeconds) {
        this(client, relay, permits, health, metrics, keyedRequests, retryAfterSeconds,
                new CallDeadlines(FailoverConfiguration.defaultDeadlines(), health, 0.8));
    }

    AttemptRunner(RegionClient client, ResponseRelay relay, AttemptPermits permits, HealthRegistry health,
            FailoverMetrics metrics, KeyedRequests keyedRequests, long retryAfterSeconds, CallDeadlines deadlines) {
        this.deadlines = deadlines;
        this.keyedRequests = keyedRequests;
        this.client = client;
        this.relay = relay;
        this.permits = permits;
        this.health = health;
        this.metrics = metrics;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Sends {@code request} along {@code plan} and writes the outcome to the exchange's response. */
    Mono<Void> run(AttemptPlan plan, RegionRequest request) {
        return keyedRequests.open(request.exchange(), plan).flatMap(keyed -> {
            KeyedRequests.Refusal refusal = keyed.answerInstead();
            return refusal != null ? new Run(keyed, request).refused(null, refusal) : new Run(keyed, request).attempt(0);
        });
    }

    /** The state of one request's way through its plan. */
    private final class Run {

        private final ServerWebExchange exchange;
        private final List<Target> targets;
        private final RegionRequest request;
        private final RequestBody body;
        private final boolean idempotent;
        private final Set<String> passedOver = new LinkedHashSet<>();
        private final @Nullable RequestTelemetry telemetry;
        private final KeyedRequests.Keyed keyed;
        private int attempts;
        private boolean ownerRepeated;
        /** Whether the next attempt is the repeat to the owner, which goes on a new connection. */
        private boolean repeatingToOwner;

        Run(KeyedRequests.Keyed keyed, RegionRequest request) {
            this.exchange = request.exchange();
            this.keyed = keyed;
            this.targets = keyed.plan().targets();
            this.request = request;
            this.body = request.body();
            this.telemetry = request.telemetry();
            this.idempotent = ResendPolicy.idempotent(request.method().name(), exchange.getRequest().getPath().value(),
                    exchange.getRequest().getHeaders().containsHeader(MeridianHeaders.IDEMPOTENCY_KEY));
        }

        Mono<Void> attempt(int index) {
            if (index >= targets.size()) {
                return noRegionAvailable("every candidate region failed or was unavailable");
            }
            Target target = targets.get(index);
            if (keyed.needsClaim(target)) {
                return keyed.claim(target, index).flatMap(claim -> claim.refusal() != null
                        ? refused(null, claim.refusal()) : attempt(claim.index()));
            }
            boolean onNewConnection = repeatingToOwner;
            repeatingToOwner = false;
            Region region = target.region();
            Deadline deadline = deadlines.of(request.kind(), region, target.endpoint());
            AttemptPermits.Grant grant = permits.acquire(region, target.endpoint(), attempts > 0,
                    deadlines.slowAfterMillis(deadline));
            if (grant instanceof Refused(AttemptPermits.Refusal refusal)) {
                if (refusal == AttemptPermits.Refusal.RETRY_BUDGET_SPENT) {
                    return noRegionAvailable("the gateway's retry budget is spent, so the request was not tried on "
                            + "another region after " + passedOver.size() + " failed");
                }
                passOver(region, refusal.tag);
                return attempt(index + 1);
            }
            attempts++;
            if (telemetry != null) {
                telemetry.attemptStarted(region, target.endpoint());
            }
            Attempt attempt = new Attempt(target, (Held) grant);
            Mono<RegionAnswer> send = onNewConnection
                    ? client.sendOnNewConnection(target.endpoint(), request, deadline)
                    : client.send(target.endpoint(), request, deadline);
            // Released at once, as a REGION_DOWN failure, when health checks take the endpoint down meanwhile.
            return AttemptFailure.endedWhenDown(send, health.whenDown(target.endpoint()))
                    .map(Outcome::answered)
                    .onErrorResume(ex -> Mono.just(Outcome.failed(ex)))
                    .doOnCancel(attempt::abandon)
                    .flatMap(outcome -> outcome.answer() != null
                            ? answered(index, attempt, outcome.answer())
                            : failed(index, attempt, Objects.requireNonNull(outcome.error())));
        }

        private Mono<Void> answered(int index, Attempt attempt, RegionAnswer answer) {
            Held permit = attempt.permit;
            Region region = attempt.target.region();
            int status = answer.status();
            long elapsed = permit.elapsed();
            health.answered(attempt.target.endpoint());
            permit.releaseRetry();
            attempt.noteOutcome(Integer.toString(status), status >= 500);
            if (status == 502 || status == 503 || status == 504) {
                permit.failure(elapsed, new RegionStatusException(status));
                record(() -> metrics.attempt(region, AttemptFailure.STATUS.tag, elapsed));
                keyed.failed(region, AttemptFailure.STATUS);
                if (ResendPolicy.after(AttemptFailure.STATUS, traits(region)) == ResendPolicy.Verdict.RESEND) {
                    answer.discard();
                    permit.releaseBulkhead();
                    passOver(region, AttemptFailure.STATUS.tag);
                    return attempt(index + 1);
                }
            } else {
                permit.success(elapsed);
                record(() -> metrics.attempt(region, "answered", elapsed));
            }
            return write(region, answer).doFinally(signal -> permit.releaseBulkhead());
        }

        private Mono<Void> failed(int index, Attempt attempt, Throwable error) {
            Held permit = attempt.permit;
            Target target = attempt.target;
            Region region = target.region();
            long elapsed = permit.elapsed();
            permit.releaseRetry();
            permit.releaseBulkhead();
            if (findCause(error, BodyTooLargeException.class) != null) {
                attempt.abandon();
                return Mono.error(error);
            }
            AttemptFailure failure = AttemptFailure.of(error);
            permit.failure(elapsed, error);
            attempt.noteOutcome(failure.tag, true);
            record(() -> metrics.attempt(region, failure.tag, elapsed));
            if (failure == AttemptFailure.CONNECT) {
                health.markDown(target.endpoint());
            }
            keyed.failed(region, failure);
            ResendPolicy.Verdict verdict = ResendPolicy.after(failure, traits(region));
            if (verdict == ResendPolicy.Verdict.OWNER_ALIVE && failure == AttemptFailure.RESET && !ownerRepeated) {
                // A dropped connection does not say whether the owner died or only this connection
                // did. Repeating the request to the owner is safe (it de-duplicates by the key): a
                // living owner answers with the key's task, a dead one refuses the connection and is
                // then gone, so the request may move to one successor. The repeat opens a connection
                // of its own: the pool's other connections to a killed owner are reset too, but the
                // gateway may not have read that yet, and a repeat on one would fail as the first did.
                ownerRepeated = true;
                repeatingToOwner = true;
                return attempt(index);
            }
            if (verdict == ResendPolicy.Verdict.OWNER_ALIVE || verdict == ResendPolicy.Verdict.TWO_REGIONS) {
                return refused(region, keyed.refusal(verdict, region.id(), failure));
            }
            if (verdict != ResendPolicy.Verdict.RESEND) {
                return regionFailed(region, failure, verdict);
            }
            passOver(region, failure.tag);
            return attempt(index + 1);
        }

        private ResendPolicy.Request traits(Region region) {
            return keyed.traits(idempotent, body.replayable(), body.unread(), region);
        }

        /** Records an attempt's meter with the request's span as its exemplar. */
        private void record(Runnable metric) {
            if (telemetry != null) {
                telemetry.record(metric);
            } else {
                metric.run();
            }
        }

        private void passOver(Region region, String reason) {
            log.debug("Passing over region {} for {} {}: {}", region.id(), request.method(), exchange.getRequest().getPath(), reason);
            passedOver.add(region.id());
            metrics.failover(region, reason);
        }

        private int failovers(Region served) {
            return passedOver.size() - (passedOver.contains(served.id()) ? 1 : 0);
        }

        private Mono<Void> write(Region region, RegionAnswer answer) {
            int failovers = failovers(region);
            Span span = telemetry == null ? null : telemetry.span();
            metrics.request(region, "served", answer.status());
            if (failovers > 0) {
                metrics.failoverReceived(region);
            }
            return relay.relay(exchange, answer, headers -> {
                // Replaces whatever the region sent under the same names: the gateway's view is the answer.
                headers.set(MeridianHeaders.REGION, region.id());
                headers.set(FailoverForwardingFilter.FAILOVERS_HEADER, Integer.toString(failovers));
                if (span != null) {
                    headers.set(RequestTelemetry.TRACE_ID_HEADER, span.context().traceId());
                }
            });
        }

        private Mono<Void> regionFailed(Region region, AttemptFailure failure, ResendPolicy.Verdict verdict) {
            String why = verdict == ResendPolicy.Verdict.BODY_STREAMED
                    ? "its body was streamed rather than kept, so it cannot be sent again"
                    : request.method().name() + " without an " + MeridianHeaders.IDEMPOTENCY_KEY
                            + " header is not safe to repeat";
            metrics.request(region, ErrorCodes.REGION_FAILED, 502);
            exchange.getResponse().getHeaders().set(FailoverForwardingFilter.FAILOVERS_HEADER, Integer.toString(passedOver.size()));
            return ErrorResponses.write(exchange, HttpStatus.BAD_GATEWAY, ErrorCodes.REGION_FAILED,
                    failure.notResent(region.id(), why), null);
        }

        /** Answers a keyed request that may not go on: its key's owner is alive, or two regions may have run it. */
        private Mono<Void> refused(@Nullable Region region, KeyedRequests.Refusal refusal) {
            metrics.request(region, refusal.code(), refusal.status().value());
            HttpHeaders headers = exchange.getResponse().getHeaders();
            if (refusal.retryAfter()) {
                headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
            }
            headers.set(FailoverForwardingFilter.FAILOVERS_HEADER, Integer.toString(passedOver.size()));
            return ErrorResponses.write(exchange, refusal.status(), refusal.code(), refusal.message(), refusal.field());
        }

        private Mono<Void> noRegionAvailable(String why) {
            metrics.request(null, ErrorCodes.NO_REGION_AVAILABLE, 503);
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
            headers.set(FailoverForwardingFilter.FAILOVERS_HEADER, Integer.toString(passedOver.size()));
            String tried = "; tried " + (passedOver.isEmpty() ? "none" : String.join(", ", passedOver));
            RoutingDecision decision = RoutingAttributes.decision(exchange);
            if (decision != null && decision.zone() != null) {
                // Confined requests never leave their zone, so say which zone ran out of regions.
                return ErrorResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, ErrorCodes.NO_REGION_IN_ZONE,
                        "no region of residency zone '" + decision.zone() + "' can take this request now: " + why
                                + tried + "; it is never served outside its zone", ResidencyPolicy.HEADER);
            }
            return ErrorResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, ErrorCodes.NO_REGION_AVAILABLE,
                    "no region can take this request now: " + why + tried, null);
        }

        /** One attempt: its target, its permits, and its outcome noted once on the request's span. */
        private final class Attempt {

            final Target target;
            final Held permit;
            private final AtomicBoolean outcomeNoted = new AtomicBoolean();

            Attempt(Target target, Held permit) {
                this.target = target;
                this.permit = permit;
            }

            /** The attempt ended without an outcome (client gone, request rejected). */
            void abandon() {
                permit.abandon();
                noteOutcome("abandoned", false);
            }

            /** Notes the attempt's outcome, once, on the request's span: a status code or a failure's tag. */
            void noteOutcome(String outcome, boolean error) {
                if (telemetry != null && !outcomeNoted.getAndSet(true)) {
                    telemetry.attemptEnded(target.region(), outcome, error);
                }
            }
        }
    }

    private record Outcome(@Nullable RegionAnswer answer, @Nullable Throwable error) {

        static Outcome answered(RegionAnswer answer) {
            return new Outcome(answer, null);
        }

        static Outcome failed(Throwable error) {
            return new Outcome(null, error);
        }
    }

    /** Recorded by the circuit breaker for a 502/503/504 answer. */
    static final class RegionStatusException extends RuntimeException {

        RegionStatusException(int status) {
            super("region answered " + status, null, false, false);
        }
    }

    private static @Nullable Throwable findCause(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }
}
