package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

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
