package io.meridian.gateway.failover;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.isAlreadyRouted;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.setAlreadyRouted;

import io.meridian.gateway.failover.AttemptPlan.Target;
import io.meridian.gateway.forwarding.RegionRequest;
import io.meridian.gateway.forwarding.RequestBody;
import io.meridian.gateway.routing.RoutingAttributes;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.protocol.MeridianHeaders;
import io.meridian.region.Region;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Forwards a request to its candidate regions in turn until one answers: the gateway's routing
 * filter for Meridian's routes, replacing Spring Cloud Gateway's single-shot Netty forwarding.
 *
 * <p>Design note. The filter only plans: the candidates come from the {@link CandidateSelector}
 * (proximity order reshaped by health, circuit state and load), each expanded into its replicas by
 * the {@link EndpointPicker}, which keeps a session ({@value #SESSION_HEADER}, else
 * {@value #CONVERSATION_HEADER}) on one replica. It then holds the request's body
 * ({@link RequestBody}: bodies up to {@code max-buffered-body} are kept for re-sending, larger
 * ones streamed to one region) and hands plan and request to the {@link AttemptRunner}, which
 * takes each attempt's {@link AttemptPermits}, sends it through the
 * {@link io.meridian.gateway.forwarding.RegionClient}, decides by the {@link ResendPolicy}
 * whether a failed attempt may be sent on, and relays the answer through the
 * {@link io.meridian.gateway.forwarding.ResponseRelay}. The deadline of an attempt covers only the
 * wait for the answer to start, from the moment the request has been sent: a streamed answer (SSE)
 * may then run as long as it needs. Every request counts towards the {@link RetryBudget} while it
 * is in flight. A request with an {@value #IDEMPOTENCY_KEY_HEADER} keeps to the region that owns
 * its key ({@link io.meridian.gateway.idempotency.KeyOwnership}, shared by every gateway through
 * Redis), as the {@link ResendPolicy} says.
 */
public final class FailoverForwardingFilter implements GlobalFilter, Ordered {

    /** Request header naming a session whose requests should keep reaching the same replica. */
    public static final String SESSION_HEADER = "X-Session-Id";

    /** Alternative session key: a conversation's id. */
    public static final String CONVERSATION_HEADER = "X-Conversation-Id";

    /** Just before Spring Cloud Gateway's Netty routing filter, which then finds the exchange routed. */
    public static final int ORDER = NettyRoutingFilter.ORDER - 1;

    /** Response header: how many regions were skipped or failed before the one that served. */
    public static final String FAILOVERS_HEADER = "X-Meridian-Failovers";

    /**
     * Request header that makes a non-GET request safe to repeat: the region that owns the key
     * de-duplicates it, and the gateway re-sends it elsewhere only once that owner is gone.
     */
    public static final String IDEMPOTENCY_KEY_HEADER = MeridianHeaders.IDEMPOTENCY_KEY;

    private final CandidateSelector selector;
    private final EndpointPicker picker;
    private final RetryBudget budget;
    private final AttemptRunner runner;
    private final long maxBufferedBody;
    private final boolean bufferUndeclaredBodies;

    FailoverForwardingFilter(CandidateSelector selector, EndpointPicker picker, RetryBudget budget, AttemptRunner runner,
            long maxBufferedBody, long maxBodySize) {
        this.selector = selector;
        this.picker = picker;
        this.budget = budget;
        this.runner = runner;
        this.maxBufferedBody = maxBufferedBody;
        // Below the body limit, a body without a declared length might not fit the buffer.
        this.bufferUndeclaredBodies = maxBufferedBody >= maxBodySize;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        RoutingDecision decision = RoutingAttributes.decision(exchange);
        if (decision == null || isAlreadyRouted(exchange)) {
            return chain.filter(exchange);
        }
        setAlreadyRouted(exchange);
        AttemptPlan plan = plan(decision, exchange.getRequest().getHeaders());
        return Mono.defer(() -> {
            budget.requestStarted();
            return RequestBody.of(exchange.getRequest(), maxBufferedBody, bufferUndeclaredBodies)
                    .flatMap(body -> runner.run(plan, RegionRequest.of(exchange, body)));
        }).doFinally(signal -> budget.requestFinished());
    }

    /** The endpoints to try, in order: each candidate region's replicas, the session's own first. */
    private AttemptPlan plan(RoutingDecision decision, HttpHeaders headers) {
        String session = sessionKey(headers);
        List<Target> targets = new ArrayList<>();
        for (Region region : selector.order(decision.candidates())) {
            for (URI endpoint : picker.endpoints(region, session)) {
                targets.add(new Target(region, endpoint));
            }
        }
        return new AttemptPlan(targets);
    }

    /** The session a request belongs to, for replica affinity: {@value #SESSION_HEADER}, else {@value #CONVERSATION_HEADER}. */
    static @Nullable String sessionKey(HttpHeaders headers) {
        String session = headers.getFirst(SESSION_HEADER);
        if (session == null || session.isBlank()) {
            session = headers.getFirst(CONVERSATION_HEADER);
        }
        return session == null || session.isBlank() ? null : session;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
