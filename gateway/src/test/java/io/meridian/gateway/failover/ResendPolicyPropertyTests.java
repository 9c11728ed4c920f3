package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.failover.ResendPolicy.Owner;
import io.meridian.gateway.failover.ResendPolicy.Request;
import io.meridian.gateway.failover.ResendPolicy.Verdict;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import reactor.netty.http.client.PrematureCloseException;

/** The re-send rule over its whole input space: every failure, every request trait. */
class ResendPolicyPropertyTests {

    static Request request(String method, boolean hasKey, boolean bodyKept, boolean bodyUnread, Owner owner,
            int regionsReached) {
        return new Request(ResendPolicy.idempotent(method, hasKey), bodyKept, bodyKept || bodyUnread,
                ResendPolicy.keyed(method, hasKey), owner, regionsReached);
    }

    @Property
    void aKeyedRequestIsResentOnlyWhileItsOwnerIsNotAliveAndFewerThanTwoRegionsMayHaveRunIt(
            @ForAll AttemptFailure failure, @ForAll("methods") String method, @ForAll boolean bodyKept,
            @ForAll boolean bodyUnread, @ForAll Owner owner, @ForAll @IntRange(min = 0, max = 3) int regionsReached) {
        Request request = request(method, true, bodyKept, bodyUnread, owner, regionsReached);

        Verdict verdict = ResendPolicy.after(failure, request);

        if (request.keyed() && failure.mayHaveReachedRegion() && verdict == Verdict.RESEND) {
            assertThat(owner).isNotEqualTo(Owner.ALIVE);
            assertThat(regionsReached).isLessThan(ResendPolicy.MAX_KEYED_REGIONS);
        }
        if (request.keyed() && failure.mayHaveReachedRegion() && bodyKept && owner == Owner.ALIVE) {
            assertThat(verdict).isEqualTo(Verdict.OWNER_ALIVE);
        }
    }

    @Property
    void aConnectFailureWithTheBodyUnreadIsAlwaysResentWhateverTheKeyItsOwnerAndTheRegionsReached(
            @ForAll("methods") String method, @ForAll boolean hasKey, @ForAll boolean bodyKept, @ForAll Owner owner,
            @ForAll @IntRange(min = 0, max = 3) int regionsReached) {
        Request request = new Request(ResendPolicy.idempotent(method, hasKey), bodyKept, true,
                ResendPolicy.keyed(method, hasKey), owner, regionsReached);

        assertThat(ResendPolicy.after(AttemptFailure.CONNECT, request)).isEqualTo(Verdict.RESEND);
    }

    @Property
    void anUnkeyedPostIsNeverResentOnceItMayHaveReachedARegion(@ForAll AttemptFailure failure, @ForAll boolean bodyKept,
            @ForAll boolean bodyUnread, @ForAll Owner owner, @ForAll @IntRange(min = 0, max = 3) int regionsReached) {
        Verdict verdict = ResendPolicy.after(failure, request("POST", false, bodyKept, bodyUnread, owner, regionsReached));

        if (failure.mayHaveReachedRegion()) {
            assertThat(verdict).isIn(Verdict.NOT_IDEMPOTENT, Verdict.BODY_STREAMED);
        }
    }

    @Property
    void anEmbeddingsCallIsResentAfterAnyFailureWhenItsBodyWasKeptThoughItIsAPostWithoutAKey(
            @ForAll AttemptFailure failure, @ForAll boolean bodyKept, @ForAll boolean bodyUnread) {
        Request embeddings = new Request(ResendPolicy.idempotent("POST", "/v1/embeddings", false), bodyKept,
                bodyKept || bodyUnread);
        Request otherPost = new Request(ResendPolicy.idempotent("POST", "/v1/chat/completions", false), bodyKept,
                bodyKept || bodyUnread);

        Verdict verdict = ResendPolicy.after(failure, embeddings);

        assertThat(verdict).isIn(Verdict.RESEND, Verdict.BODY_STREAMED);
        if (bodyKept) {
            assertThat(verdict).isEqualTo(Verdict.RESEND);
        }
        if (failure.mayHaveReachedRegion()) {
            assertThat(ResendPolicy.after(failure, otherPost)).isNotEqualTo(Verdict.RESEND);
        }
        assertThat(ResendPolicy.idempotent("GET", "/v1/embeddings", false)).isTrue();
        assertThat(ResendPolicy.idempotent("DELETE", "/v1/embeddings", false)).isFalse();
    }

    @Property
    void anUnkeyedRequestIsJudgedAsBeforeKeysHadOwners(@ForAll AttemptFailure failure, @ForAll("methods") String method,
            @ForAll boolean bodyKept, @ForAll boolean bodyUnread, @ForAll Owner owner,
            @ForAll @IntRange(min = 0, max = 3) int regionsReached) {
        Request traits = request(method, false, bodyKept, bodyUnread, owner, regionsReached);
        Request plain = new Request(traits.idempotent(), traits.bodyKept(), traits.bodyUnread());

        assertThat(traits.keyed()).isFalse();
        assertThat(ResendPolicy.after(failure, traits)).isEqualTo(ResendPolicy.after(failure, plain));
    }

    @Property
    void aSlowButHealthyOwnerRunsAKeyedRequestExactlyOnce(@ForAll("unsafeMethods") String method,
            @ForAll boolean bodyKept) {
        Request request = request(method, true, bodyKept, false, Owner.ALIVE, 1);

        assertThat(ResendPolicy.after(AttemptFailure.TIMEOUT, request)).isNotEqualTo(Verdict.RESEND);
    }

    /**
     * A whole keyed run: attempts at one new region after another, each failing as generated, the
     * region alive or gone afterwards, with the key's earlier owner (a repeat) alive, gone or none.
     * However the attempts fail, the request reaches at most two regions, and exactly one when its
     * first region is alive after the failure (unless an earlier owner was gone already).
     */
    @Property
    void aKeyedRunNeverReachesMoreThanTwoRegions(@ForAll("attempts") java.util.List<FailedAttempt> attempts,
            @ForAll boolean bodyKept, @ForAll Owner earlierOwner) {
        java.util.Set<Integer> reached = new java.util.HashSet<>();
        java.util.Map<Integer, Boolean> alive = new java.util.HashMap<>();
        Integer holder = null;
        if (earlierOwner != Owner.NONE) {
            holder = -1; // a region an earlier request of the key reached
            reached.add(-1);
            alive.put(-1, earlierOwner == Owner.ALIVE);
        }
        boolean bodyUnread = true;
        for (int region = 0; region < attempts.size(); region++) {
            boolean ownersOwn = holder != null && holder == -1 && earlierOwner == Owner.ALIVE && region == 0;
            if (!ownersOwn) {
                Owner holderState = holder != null && reached.contains(holder)
                        ? (alive.get(holder) ? Owner.ALIVE : Owner.GONE) : Owner.NONE;
                if (ResendPolicy.toNewRegion(holderState, reached.size()) != Verdict.RESEND) {
                    break;
                }
                holder = region;
            }
            FailedAttempt attempt = attempts.get(region);
            int at = ownersOwn ? -1 : region;
            if (attempt.failure().mayHaveReachedRegion()) {
                reached.add(at);
            }
            alive.put(at, attempt.aliveAfter());
            Owner state = reached.contains(at) ? (attempt.aliveAfter() ? Owner.ALIVE : Owner.GONE) : Owner.NONE;
            Verdict verdict = ResendPolicy.after(attempt.failure(),
                    new Request(true, bodyKept, bodyKept || bodyUnread, true, state, reached.size()));
            bodyUnread = bodyUnread && !attempt.failure().mayHaveReachedRegion();
            if (verdict != Verdict.RESEND) {
                break;
            }
        }

        assertThat(reached).hasSizeLessThanOrEqualTo(ResendPolicy.MAX_KEYED_REGIONS);
        if (earlierOwner != Owner.GONE && !attempts.isEmpty() && attempts.getFirst().failure().mayHaveReachedRegion()
                && attempts.getFirst().aliveAfter()) {
            assertThat(reached).hasSize(1);
        }
    }

    record FailedAttempt(AttemptFailure failure, boolean aliveAfter) {
    }

    @Provide
    Arbitrary<java.util.List<FailedAttempt>> attempts() {
        return net.jqwik.api.Combinators.combine(Arbitraries.of(AttemptFailure.class), Arbitraries.of(true, false))
                .as(FailedAttempt::new).list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> unsafeMethods() {
        return Arbitraries.of("POST", "PUT", "PATCH", "DELETE");
    }

    @Property
    void neverResendsANonIdempotentRequestThatMayHaveReachedTheRegion(@ForAll AttemptFailure failure,
            @ForAll boolean bodyKept, @ForAll boolean bodyUnread) {
        Request request = new Request(false, bodyKept, bodyKept || bodyUnread);

        Verdict verdict = ResendPolicy.after(failure, request);

        if (failure.mayHaveReachedRegion()) {
            assertThat(verdict).isNotEqualTo(Verdict.RESEND);
        }
    }

    @Property
    void alwaysResendsAfterAConnectFailureWhileTheBodyIsUnread(@ForAll boolean idempotent, @ForAll boolean bodyKept) {
        assertThat(ResendPolicy.after(AttemptFailure.CONNECT, new Request(idempotent, bodyKept, true)))
                .isEqualTo(Verdict.RESEND);
    }

    @Property
    void neverResendsAStreamedBodyOnceItWasRead(@ForAll AttemptFailure failure, @ForAll boolean idempotent) {
        assertThat(ResendPolicy.after(failure, new Request(idempotent, false, false))).isEqualTo(Verdict.BODY_STREAMED);
    }

    @Property
    void alwaysResendsAnIdempotentRequestWhoseBodyWasKept(@ForAll AttemptFailure failure) {
        assertThat(ResendPolicy.after(failure, new Request(true, true, true))).isEqualTo(Verdict.RESEND);
    }

    @Property
    void aRefusalSaysWhetherTheBodyOrTheMethodStoodInTheWay(@ForAll AttemptFailure failure, @ForAll boolean idempotent,
            @ForAll boolean bodyKept, @ForAll boolean bodyUnread) {
        Verdict verdict = ResendPolicy.after(failure, new Request(idempotent, bodyKept, bodyKept || bodyUnread));

        if (verdict == Verdict.BODY_STREAMED) {
            assertThat(bodyKept).isFalse();
        }
        if (verdict == Verdict.NOT_IDEMPOTENT) {
            assertThat(idempotent).isFalse();
            assertThat(bodyKept).isTrue();
        }
    }

    @Property
    void getAndHeadAreIdempotentAndAnyOtherMethodOnlyWithAnIdempotencyKey(@ForAll("methods") String method,
            @ForAll boolean hasKey) {
        boolean expected = method.equals("GET") || method.equals("HEAD") || hasKey;

        assertThat(ResendPolicy.idempotent(method, hasKey)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.oneOf(Arbitraries.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get"),
                Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(10));
    }

    @Property
    void aConnectFailureIsAConnectFailureHoweverDeeplyItIsWrapped(@ForAll @IntRange(min = 0, max = 6) int depth,
            @ForAll boolean timedOut) {
        Throwable error = timedOut ? new ConnectTimeoutException("connect timed out") : new ConnectException("refused");
        for (int i = 0; i < depth; i++) {
            error = new RuntimeException("wrapped", error);
        }

        assertThat(AttemptFailure.of(error)).isEqualTo(AttemptFailure.CONNECT);
        assertThat(AttemptFailure.of(error).mayHaveReachedRegion()).isFalse();
    }

    @Example
    void theOutermostKnownCauseNamesTheFailure() {
        assertThat(AttemptFailure.of(ReadTimeoutException.INSTANCE)).isEqualTo(AttemptFailure.TIMEOUT);
        assertThat(AttemptFailure.of(new TimeoutException())).isEqualTo(AttemptFailure.TIMEOUT);
        assertThat(AttemptFailure.of(new IOException("Connection reset by peer"))).isEqualTo(AttemptFailure.RESET);
        assertThat(AttemptFailure.of(new UncheckedIOException(new IOException("reset")))).isEqualTo(AttemptFailure.RESET);
        assertThat(AttemptFailure.of(new IOException("reset", new ConnectException("refused"))))
                .isEqualTo(AttemptFailure.RESET);
        assertThat(AttemptFailure.of(new IllegalStateException("anything else"))).isEqualTo(AttemptFailure.RESET);
    }

    @Example
    void aConnectionClosedBeforeAnyAnswerIsAReset() {
        assertThat(AttemptFailure.of(PrematureCloseException.TEST_EXCEPTION)).isEqualTo(AttemptFailure.RESET);
    }

    @Example
    void onlyAConnectFailureProvesTheRegionNeverSawTheRequest() {
        for (AttemptFailure failure : AttemptFailure.values()) {
            assertThat(failure.mayHaveReachedRegion()).isEqualTo(failure != AttemptFailure.CONNECT);
        }
    }
}
