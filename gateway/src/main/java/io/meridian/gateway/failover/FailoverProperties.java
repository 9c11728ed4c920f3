package io.meridian.gateway.failover;

import io.meridian.gateway.GatewayConfigException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How a request moves on to the next region when one fails.
 *
 * @param deadlines       how long a region may take to take a request and to answer it, by kind of
 *                        call; replaces {@code meridian.failover.attempt-timeout}, which is still read
 *                        as {@code meridian.failover.deadlines.take}, with a warning
 * @param connectTimeout  how long opening a connection to a region may take
 * @param maxBufferedBody largest request body kept in memory so that it can be re-sent to another
 *                        region; a larger body is streamed to one region and never re-sent
 * @param maxIdleTime     how long a pooled connection to a region may sit idle; keep it below the
 *                        regions' keep-alive timeout so the gateway never reuses a connection the
 *                        region is closing
 * @param retryAfter      the Retry-After given to clients when no region can take a request
 * @param retryBudget     how many retries may run at once
 */
@Validated
@ConfigurationProperties(FailoverProperties.PREFIX)
public record FailoverProperties(
        @DefaultValue @Valid Deadlines deadlines,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("1MB") DataSize maxBufferedBody,
        @DefaultValue("30s") Duration maxIdleTime,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue @Valid RetryBudget retryBudget) {

    public static final String PREFIX = "meridian.failover";

    public FailoverProperties {
        positive("connect-timeout", connectTimeout);
        positive("max-idle-time", maxIdleTime);
        if (retryAfter.toSeconds() < 1) {
            throw new GatewayConfigException(PREFIX + ".retry-after", "must be at least 1s, but was " + retryAfter);
        }
        if (maxBufferedBody.toBytes() < 0) {
            throw new GatewayConfigException(PREFIX + ".max-buffered-body", "must not be negative, but was " + maxBufferedBody);
        }
    }

    static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new GatewayConfigException(PREFIX + "." + name, "must be positive, but was " + value);
        }
    }

    /**
     * Envoy-style retry budget: concurrent retries are capped at a share of concurrent requests.
     *
     * @param ratio      retries (attempts after a request's first) allowed per active request
     * @param minRetries retries always allowed at once, so that a quiet gateway can still fail over
     */
    public record RetryBudget(
            @DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax("1.0") double ratio,
            @DefaultValue("10") @Min(0) int minRetries) {
    }

    /**
     * The deadlines of an attempt, by kind of call ({@code io.meridian.gateway.forwarding.CallKind}).
     * A non-streamed call that runs the model ({@code POST /process}, a chat completion) may take as
     * long as its region says it may wait (its readiness report's sync wait) plus {@code grace},
     * within its kind's minimum and ceiling; a streamed call must send its first byte within
     * {@code take} and then never stall for longer than {@code stream.idle}.
     *
     * @param take          how long a region may take to take a request: a connection (connect, TLS)
     *                      on which the request starts going out; for a streamed answer also the wait
     *                      from the request sent to its first byte
     * @param grace         added to a region's own sync wait to give a non-streamed call's answer
     *                      deadline, so that the region's own answer (the result, or 202 with the
     *                      task's id) arrives before the gateway gives up
     * @param defaultAnswer answer deadline of a non-streamed model call to a region that has not
     *                      reported its limits; longer than a task server's default sync wait (30s)
     * @param sync          answer deadline bounds of {@code POST /process} (and of any other call that
     *                      runs the model before it answers)
     * @param chat          answer deadline bounds of a non-streamed {@code POST /v1/chat/completions}
     * @param read          deadline of calls a region answers at once: task reads and other GETs,
     *                      task submissions and cancels
     * @param stream        streamed chat completions and event streams (SSE)
     */
    public record Deadlines(
            @DefaultValue("10s") Duration take,
            @DefaultValue("5s") Duration grace,
            @DefaultValue("45s") Duration defaultAnswer,
            @DefaultValue @Valid Answer sync,
            @DefaultValue @Valid Answer chat,
            @DefaultValue @Valid Read read,
            @DefaultValue @Valid Stream stream) {

        static final String PREFIX = FailoverProperties.PREFIX + ".deadlines";

        public Deadlines {
            positive("deadlines.take", take);
            positive("deadlines.default-answer", defaultAnswer);
            positive("deadlines.read.answer", read.answer());
            positive("deadlines.stream.idle", stream.idle());
            if (grace.isNegative()) {
                throw new GatewayConfigException(PREFIX + ".grace", "must not be negative, but was " + grace);
            }
            answer("sync", sync, take, defaultAnswer);
            answer("chat", chat, take, defaultAnswer);
        }

        private static void answer(String kind, Answer answer, Duration take, Duration defaultAnswer) {
            positive("deadlines." + kind + ".minimum", answer.minimum());
            positive("deadlines." + kind + ".ceiling", answer.ceiling());
            String ceiling = PREFIX + "." + kind + ".ceiling";
            if (answer.ceiling().compareTo(take) < 0) {
                throw new GatewayConfigException(ceiling, "must not be shorter than " + PREFIX + ".take (" + take
                        + "), but was " + answer.ceiling());
            }
            if (answer.ceiling().compareTo(answer.minimum()) < 0) {
                throw new GatewayConfigException(ceiling, "must not be shorter than " + PREFIX + "." + kind
                        + ".minimum (" + answer.minimum() + "), but was " + answer.ceiling());
            }
            if (answer.ceiling().compareTo(defaultAnswer) < 0) {
                throw new GatewayConfigException(ceiling, "must not be shorter than " + PREFIX + ".default-answer ("
                        + defaultAnswer + "), but was " + answer.ceiling());
            }
        }
    }

    /**
     * Bounds of a non-streamed model call's answer deadline, which otherwise follows its region.
     *
     * @param minimum the shortest answer deadline, whatever the region reports
     * @param ceiling the longest: a region that says it may wait longer is cut off here, with a
     *                warning once per region and value
     */
    public record Answer(@DefaultValue("10s") Duration minimum, @DefaultValue("10m") Duration ceiling) {
    }

    /**
     * Calls a region answers at once.
     *
     * @param answer how long their answer (status and headers) may take once the request has been sent
     */
    public record Read(@DefaultValue("10s") Duration answer) {
    }

    /**
     * Streamed answers: streamed chat completions and event streams (SSE).
     *
     * @param idle once the stream has started, the longest gap between two of its bytes (a region's
     *             keep-alive comments count); there is no overall deadline. It also bounds a stall
     *             in the body of any other answer once its headers have arrived
     */
    public record Stream(@DefaultValue("5m") Duration idle) {
    }
}
