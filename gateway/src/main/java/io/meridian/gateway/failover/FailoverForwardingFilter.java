package io.meridian.gateway.failover;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.isAlreadyRouted;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.setAlreadyRouted;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meridian.gateway.error.ErrorResponses;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.RegionProtocol;
import io.meridian.gateway.routing.BodyTooLargeException;
import io.meridian.gateway.residency.ResidencyPolicy;
import io.meridian.gateway.routing.GeoRoutingFilter;
import io.meridian.gateway.tenant.StreamBudget;
import io.meridian.gateway.observability.RequestTelemetry;
import io.meridian.gateway.tenant.Tenant;
import io.meridian.gateway.tenant.TokenReservation;
import io.meridian.gateway.tenant.TokenUsageReport;
import io.meridian.gateway.tenant.UsageLedger;
import io.meridian.gateway.tls.RegionClientTls;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.region.Region;
import io.micrometer.tracing.Span;
import io.netty.buffer.ByteBuf;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyOutbound;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Forwards a request to its candidate regions in turn until one answers: the gateway's routing
 * filter for Meridian's routes, replacing Spring Cloud Gateway's single-shot Netty forwarding.
 *
 * <p>Design note. Candidates come from the {@link CandidateSelector} (proximity order reshaped by
 * health, circuit state and load), each expanded into its replicas by the {@link EndpointPicker}.
 * Every attempt first asks the region's circuit breaker and bulkhead for a permit; a refusal skips
 * the region without touching the network. An attempt fails on a connect failure, a connection
 * reset or closed before any answer, no answer headers within {@code attempt-timeout}, or a
 * 502/503/504 answer; any other answer, 5xx included, is the region's word and goes to the client.
 * The deadline covers only the wait for the answer to start, from the moment the request has been
 * sent: a streamed answer (SSE) may then run as long as it needs.
 *
 * <p><b>The re-send rule.</b> Failing over means sending the request again, and a region that
 * failed after the request reached it may already have acted on it (queued an LLM task, charged a
 * budget). So a request is re-sent only when that is safe:
 * <ul>
 *   <li>after a connect failure or a skipped region (the region never saw the request): always;</li>
 *   <li>after a reset, a timeout or a 502/503/504: only for GET and HEAD, or when the request carries
 *       an {@value #IDEMPOTENCY_KEY_HEADER} header (the region de-duplicates by it);</li>
 *   <li>and only if its body was kept: bodies up to {@code max-buffered-body} are buffered; a larger
 *       one (or, when that limit is below {@code meridian.proxy.max-body-size}, one without a declared
 *       length) is streamed to one region and re-sent only after a connect failure that happened
 *       before any of it was read.</li>
 * </ul>
 * An unsafe request whose region failed is answered {@code 502 region_failed}, saying it was not
 * re-sent and why; an unsafe request that got a 502/503/504 answer sees that answer. Each attempt
 * after the first also needs a permit from the {@link RetryBudget}; without one the request stops
 * there. When no candidate is left the answer is {@code 503 no_region_available} with Retry-After,
 * at once: nothing here waits except the bounded attempts themselves.
 *
 * <p>Headers cross the gateway by the rules of {@link RegionHeaders} (no hop-by-hop headers, no
 * client-written forwarding chains; the region gets the client address and country the gateway
 * resolved); the region's answer streams straight through without buffering.
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

    /** Request header that makes a non-GET request safe to re-send to another region. */
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    private static final Logger log = LoggerFactory.getLogger(FailoverForwardingFilter.class);

    private final HttpClient httpClient;
    private final RegionClientTls tls;
    private final @Nullable UsageLedger ledger;
    private final Map<URI, HttpClient> endpointClients = new ConcurrentHashMap<>();
    private final CandidateSelector selector;
    private final EndpointLoad endpointLoad;
    private final EndpointPicker picker;
    private final RegionGuards guards;
    private final RetryBudget budget;
    private final HealthRegistry health;
    private final FailoverMetrics metrics;
    private final Clock clock;
    private final Duration attemptTimeout;
    private final long maxBufferedBody;
    private final boolean bufferUndeclaredBodies;
    private final long retryAfterSeconds;

    FailoverForwardingFilter(HttpClient httpClient, CandidateSelector selector, EndpointPicker picker, RegionGuards guards, RetryBudget budget,
            HealthRegistry health, FailoverMetrics metrics, Clock clock, FailoverProperties properties,
            long maxBodySize, EndpointLoad endpointLoad, RegionClientTls tls, @Nullable UsageLedger ledger) {
        this.endpointLoad = endpointLoad;
        this.ledger = ledger;
        this.tls = tls;
        // A renewed client certificate: new connections are made with it.
        tls.onChange(endpointClients::clear);
        this.httpClient = httpClient;
        this.selector = selector;
        this.picker = picker;
        this.guards = guards;
        this.budget = budget;
        this.health = health;
        this.metrics = metrics;
        this.clock = clock;
        this.attemptTimeout = properties.attemptTimeout();
        this.maxBufferedBody = properties.maxBufferedBody().toBytes();
        this.bufferUndeclaredBodies = maxBufferedBody >= maxBodySize;
        this.retryAfterSeconds = properties.retryAfter().toSeconds();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        RoutingDecision decision = exchange.getAttribute(GeoRoutingFilter.DECISION_ATTR);
        if (decision == null || isAlreadyRouted(exchange)) {
            return chain.filter(exchange);
        }
        setAlreadyRouted(exchange);
        List<Target> targets = new ArrayList<>();
        for (Region region : selector.order(decision.candidates())) {
            for (URI endpoint : picker.endpoints(region, sessionKey(exchange.getRequest().getHeaders()))) {
                targets.add(new Target(region, endpoint));
            }
        }
        return Mono.defer(() -> {
            budget.requestStarted();
            Body known = knownBody(exchange.getRequest());
            return known != null
                    ? new Forwarding(exchange, targets, known).attempt(0)
                    : body(exchange.getRequest()).flatMap(body -> new Forwarding(exchange, targets, body).attempt(0));
        }).doFinally(signal -> budget.requestFinished());
    }

    /** The session a request belongs to, for replica affinity: {@value #SESSION_HEADER}, else {@value #CONVERSATION_HEADER}. */
    static @Nullable String sessionKey(HttpHeaders headers) {
        String session = headers.getFirst(SESSION_HEADER);
        if (session == null || session.isBlank()) {
            session = headers.getFirst(CONVERSATION_HEADER);
        }
        return session == null || session.isBlank() ? null : session;
    }

    /** The body when it is known without reading it: empty, or streamed; {@code null} when it is to be buffered. */
    private @Nullable Body knownBody(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        long length = headers.getContentLength();
        boolean undeclared = length < 0 && headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
        if (length == 0 || (length < 0 && !undeclared)) {
            return Body.EMPTY;
        }
        if ((length > 0 && length <= maxBufferedBody) || (undeclared && bufferUndeclaredBodies)) {
            return null;
        }
        return Body.streamed(request.getBody());
    }

    /** Reads a body that is to be kept for re-sending. */
    private static Mono<Body> body(ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody())
                .map(joined -> {
                    byte[] bytes = new byte[joined.readableByteCount()];
                    joined.read(bytes);
                    DataBufferUtils.release(joined);
                    return Body.buffered(bytes);
                })
                .defaultIfEmpty(Body.buffered(new byte[0]));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * The client for one endpoint, addressed by host and port once, so that each request names
     * only its path: an absolute URL per request would be parsed again on every attempt.
     */
    private HttpClient clientFor(URI endpoint) {
        HttpClient client = endpointClients.get(endpoint);
        return client != null ? client : endpointClients.computeIfAbsent(endpoint, this::newClient);
    }

    private HttpClient newClient(URI endpoint) {
        boolean secure = "https".equalsIgnoreCase(endpoint.getScheme());
        String host = endpoint.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = endpoint.getPort() >= 0 ? endpoint.getPort() : secure ? 443 : 80;
        HttpClient base = httpClient.host(host).port(port);
        HttpClient client = (secure ? tls.secure(base) : base)
                // The attempt's deadline runs on the connection's own event loop, from the moment the
                // request is sent until the answer's status and headers arrive; a streamed answer (SSE)
                // may then take as long as it needs.
                .responseTimeout(attemptTimeout)
                .doOnResponse((response, connection) -> connection.removeHandler(NettyPipeline.ResponseTimeoutHandler));
        return client;
    }

    private record Target(Region region, URI endpoint) {
    }

    /** Why an attempt failed; the tag is a metric tag value and appears in messages. */
    enum Failure {
        CONNECT("connect_failure", "could not be reached"),
        RESET("connection_reset", "closed the connection before answering"),
        TIMEOUT("timeout", "did not start answering in time"),
        STATUS("bad_status", "answered that it could not serve");

        final String tag;
        final String description;

        Failure(String tag, String description) {
            this.tag = tag;
            this.description = description;
        }

        static Failure of(Throwable ex) {
            for (Throwable t = ex; t != null; t = t.getCause()) {
                if (t instanceof ConnectException || t instanceof io.netty.channel.ConnectTimeoutException) {
                    return CONNECT;
                }
                if (t instanceof TimeoutException || t instanceof ReadTimeoutException) {
                    return TIMEOUT;
                }
                if (t instanceof PrematureCloseException || t instanceof IOException) {
                    return RESET;
                }
            }
            return RESET;
        }
    }

    /** A request body that can be sent once ({@link #streamed}) or any number of times. */
    static final class Body {

        static final Body EMPTY = new Body(new byte[0], null);

        private final byte @Nullable [] bytes;
        private final @Nullable Flux<DataBuffer> stream;
        private final AtomicBoolean consumed = new AtomicBoolean();

        private Body(byte @Nullable [] bytes, @Nullable Flux<DataBuffer> stream) {
            this.bytes = bytes;
            this.stream = stream;
        }

        static Body buffered(byte[] bytes) {
            return new Body(bytes, null);
        }

        static Body streamed(Flux<DataBuffer> stream) {
            return new Body(null, stream);
        }

        boolean replayable() {
            return bytes != null;
        }

        /** Whether the body could still be sent: always for a buffered body, until first read for a stream. */
        boolean unread() {
            return bytes != null || !consumed.get();
        }

        int length() {
            return bytes == null ? -1 : bytes.length;
        }

        org.reactivestreams.Publisher<Void> writeTo(NettyOutbound out) {
            if (bytes != null) {
                return bytes.length == 0 ? out : out.sendByteArray(Mono.just(bytes));
            }
            Flux<DataBuffer> body = stream == null ? Flux.empty() : stream;
            return out.send(body.doOnSubscribe(s -> consumed.set(true)).map(NettyDataBufferFactory::toByteBuf));
        }
    }

    /** The state of one request's way through its candidates. */
    private final class Forwarding {

        private final ServerWebExchange exchange;
        private final List<Target> targets;
        private final Body body;
        private final HttpMethod method;
        private final boolean safeToRepeat;
        private final String clientIp;
        private final String country;
        private final long contentLength;
        private final Set<String> passedOver = new LinkedHashSet<>();
        private final @Nullable RequestTelemetry telemetry;
        private int attempts;

        Forwarding(ServerWebExchange exchange, List<Target> targets, Body body) {
            this.exchange = exchange;
            this.targets = targets;
            this.body = body;
            this.telemetry = RequestTelemetry.of(exchange);
            ServerHttpRequest request = exchange.getRequest();
            this.method = request.getMethod();
            this.safeToRepeat = method == HttpMethod.GET || method == HttpMethod.HEAD
                    || request.getHeaders().containsHeader(IDEMPOTENCY_KEY_HEADER);
            RoutingDecision decision = Objects.requireNonNull(exchange.getAttribute(GeoRoutingFilter.DECISION_ATTR));
            this.clientIp = decision.client().address().getHostAddress();
            String countryCode = decision.location().countryCode();
            this.country = countryCode == null ? "unknown" : countryCode;
            // A kept body is sent with its length; a streamed one as the client declared it, or
            // chunked (Reactor Netty's default for a body of unknown length).
            long declared = request.getHeaders().getContentLength();
            this.contentLength = body.replayable() && (body.length() > 0 || declared >= 0) ? body.length()
                    : body.replayable() ? -1 : declared;
        }

        /** The headers a region receives; Reactor Netty sets Host from the region's URL. */
        private void writeHeaders(io.netty.handler.codec.http.HttpHeaders headers) {
            RegionHeaders.copyRequest(exchange.getRequest(), headers);
            headers.set(GeoRoutingFilter.CLIENT_IP_HEADER, clientIp);
            headers.set(GeoRoutingFilter.COUNTRY_HEADER, country);
            headers.set(RegionProtocol.HEADER, RegionProtocol.VERSION);
            // Always set, after RegionHeaders dropped the client's copy: the region scopes tasks
            // by it, and a request the tenant filter did not see (no tenants configured) is the
            // anonymous tenant's.
            Tenant tenant = exchange.getAttribute(Tenant.ATTRIBUTE);
            headers.set(Tenant.HEADER, tenant != null ? tenant.id() : Tenant.ANONYMOUS_ID);
            if (tenant != null && !tenant.models().isEmpty()) {
                headers.set(Tenant.MODELS_HEADER, String.join(",", tenant.models()));
            }
            TokenReservation reservation = exchange.getAttribute(TokenReservation.ATTRIBUTE);
            if (reservation != null && reservation.tokens() > 0) {
                headers.set(Tenant.MAX_TOKENS_HEADER, Math.min(reservation.tokens(), Integer.MAX_VALUE));
            }
            if (contentLength >= 0) {
                headers.set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, contentLength);
            }
        }

        Mono<Void> attempt(int index) {
            if (index >= targets.size()) {
                return noRegionAvailable("every candidate region failed or was unavailable");
            }
            Target target = targets.get(index);
            Region region = target.region();
            CircuitBreaker circuit = guards.circuit(region);
            if (!circuit.tryAcquirePermission()) {
                passOver(region, FailoverMetrics.CIRCUIT_OPEN);
                return attempt(index + 1);
            }
            Bulkhead bulkhead = guards.bulkhead(region);
            if (!bulkhead.tryAcquirePermission()) {
                circuit.releasePermission();
                passOver(region, FailoverMetrics.BULKHEAD_FULL);
                return attempt(index + 1);
            }
            boolean retry = attempts > 0;
            if (retry && !budget.tryAcquireRetry()) {
                circuit.releasePermission();
                bulkhead.onComplete();
                return noRegionAvailable("the gateway's retry budget is spent, so the request was not tried on "
                        + "another region after " + passedOver.size() + " failed");
            }
            attempts++;
            if (telemetry != null) {
                telemetry.attemptStarted(region, target.endpoint());
            }
            Attempt attempt = new Attempt(target, circuit, bulkhead, retry, clock.millis(), telemetry);
            return send(target.endpoint())
                    .map(Outcome::answered)
                    .onErrorResume(ex -> Mono.just(Outcome.failed(ex)))
                    .doOnCancel(attempt::abandon)
                    .flatMap(outcome -> outcome.response() != null
                            ? answered(index, attempt, outcome.response())
                            : failed(index, attempt, Objects.requireNonNull(outcome.error())));
        }

        private Mono<Upstream> send(URI endpoint) {
            return clientFor(endpoint)
                    .headers(headers -> {
                        writeHeaders(headers);
                        if (telemetry != null) {
                            telemetry.inject(headers);
                        }
                    })
                    .request(io.netty.handler.codec.http.HttpMethod.valueOf(method.name()))
                    .uri(GeoRoutingFilter.pathAndQuery(endpoint, exchange.getRequest().getURI()))
                    .send((request, out) -> {
                        TokenReservation reservation = exchange.getAttribute(TokenReservation.ATTRIBUTE);
                        if (reservation != null) {
                            reservation.sent();
                        }
                        return body.writeTo(out);
                    })
                    .responseConnection((response, connection) -> Mono.just(new Upstream(response, connection)))
                    .singleOrEmpty();
        }

        private Mono<Void> answered(int index, Attempt attempt, Upstream upstream) {
            Region region = attempt.target.region();
            int status = upstream.response().status().code();
            long elapsed = attempt.elapsed();
            attempt.releaseRetry();
            attempt.noteOutcome(Integer.toString(status), status >= 500);
            if (status == 502 || status == 503 || status == 504) {
                attempt.failure(elapsed, new RegionStatusException(status));
                record(() -> metrics.attempt(region, Failure.STATUS.tag, elapsed));
                if (safeToRepeat && body.replayable()) {
                    upstream.connection().dispose();
                    attempt.releaseBulkhead();
                    passOver(region, Failure.STATUS.tag);
                    return attempt(index + 1);
                }
            } else {
                attempt.success(elapsed);
                record(() -> metrics.attempt(region, "answered", elapsed));
            }
            return write(region, upstream).doFinally(signal -> attempt.releaseBulkhead());
        }

        private Mono<Void> failed(int index, Attempt attempt, Throwable error) {
            Target target = attempt.target;
            Region region = target.region();
            long elapsed = attempt.elapsed();
            attempt.releaseRetry();
            attempt.releaseBulkhead();
            if (findCause(error, BodyTooLargeException.class) != null) {
                attempt.abandon();
                return Mono.error(error);
            }
            Failure failure = Failure.of(error);
            attempt.failure(elapsed, error);
            attempt.noteOutcome(failure.tag, true);
            record(() -> metrics.attempt(region, failure.tag, elapsed));
            if (failure == Failure.CONNECT) {
                health.markDown(target.endpoint());
            }
            boolean neverSeen = failure == Failure.CONNECT && body.unread();
            if (!neverSeen && !(safeToRepeat && body.replayable())) {
                return regionFailed(region, failure);
            }
            passOver(region, failure.tag);
            return attempt(index + 1);
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
            log.debug("Passing over region {} for {} {}: {}", region.id(), method, exchange.getRequest().getPath(), reason);
            passedOver.add(region.id());
            metrics.failover(region, reason);
        }

        private int failovers(Region served) {
            return passedOver.size() - (passedOver.contains(served.id()) ? 1 : 0);
        }

        private Mono<Void> write(Region region, Upstream upstream) {
            ServerHttpResponse response = exchange.getResponse();
            int status = upstream.response().status().code();
            response.setStatusCode(HttpStatusCode.valueOf(status));
            RegionHeaders.copyResponse(upstream.response().responseHeaders(), response.getHeaders());
            // Replaces whatever the region sent under the same names: the gateway's view is the answer.
            response.getHeaders().set(GeoRoutingFilter.REGION_HEADER, region.id());
            int failovers = failovers(region);
            response.getHeaders().set(FAILOVERS_HEADER, Integer.toString(failovers));
            Span span = telemetry == null ? null : telemetry.span();
            if (span != null) {
                response.getHeaders().set(RequestTelemetry.TRACE_ID_HEADER, span.context().traceId());
            }
            metrics.request(region, "served", status);
            if (failovers > 0) {
                metrics.failoverReceived(region);
            }
            Connection connection = upstream.connection();
            DataBufferFactory factory = response.bufferFactory();
            Flux<DataBuffer> body = connection.inbound().receive().retain()
                    .map(buffer -> wrap(buffer, factory))
                    .doOnCancel(connection::dispose);
            boolean streaming = isStreaming(upstream.response().responseHeaders().get(
                    io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE));
            Tenant tenant = ledger == null ? null : exchange.getAttribute(Tenant.ATTRIBUTE);
            if (tenant != null) {
                body = countTokens(tenant, upstream, body, streaming, factory);
            }
            if (streaming) {
                return response.writeAndFlushWith(body.map(Flux::just));
            }
            return response.writeWith(body);
        }

        /**
         * Settles the request's token reservation to what the region reports for this answer: its
         * usage header, an accepted task's charge (the reservation itself, corrected when the task's
         * usage is first read), or a stream's usage comment or chunks. A task's result or events may
         * be read any number of times: their tokens count once.
         */
        private Flux<DataBuffer> countTokens(Tenant tenant, Upstream upstream, Flux<DataBuffer> body, boolean streaming,
                DataBufferFactory factory) {
            UsageLedger counter = Objects.requireNonNull(ledger);
            TokenReservation reservation = exchange.getAttribute(TokenReservation.ATTRIBUTE);
            String once = TokenUsageReport.taskKey(exchange.getRequest().getPath().value());
            io.netty.handler.codec.http.HttpHeaders headers = upstream.response().responseHeaders();
            String reported = headers.get(TokenUsageReport.HEADER);
            int status = upstream.response().status().code();
            if (reported != null) {
                long total = TokenUsageReport.total(reported);
                if (once != null) {
                    counter.recordOnce(tenant.id(), once, total);
                } else if (reservation != null) {
                    reservation.settle(total);
                } else {
                    counter.record(tenant.id(), total);
                }
                return body;
            }
            String accepted = status == 202 ? TokenUsageReport.acceptedTaskKey(headers.get(HttpHeaders.LOCATION)) : null;
            if (accepted != null && reservation != null) {
                reservation.settleAsTask(accepted);
                return body;
            }
            if (!streaming || once != null) {
                if (reservation != null && (once != null || status >= 300)) {
                    // A read, or the region's refusal: no model work on this request.
                    reservation.settle(0);
                }
                return streaming ? StreamBudget.meter(body, tenant.id(), counter, null, null, factory, once) : body;
            }
            return StreamBudget.meter(body, tenant.id(), counter, reservation, exchange.getAttribute(StreamBudget.ATTRIBUTE),
                    factory, null);
        }

        private Mono<Void> regionFailed(Region region, Failure failure) {
            String why = !body.replayable()
                    ? "its body was streamed rather than kept, so it cannot be sent again"
                    : method.name() + " without an " + IDEMPOTENCY_KEY_HEADER + " header is not safe to repeat";
            metrics.request(region, "region_failed", 502);
            exchange.getResponse().getHeaders().set(FAILOVERS_HEADER, Integer.toString(passedOver.size()));
            return ErrorResponses.write(exchange, HttpStatus.BAD_GATEWAY, "region_failed",
                    "region '" + region.id() + "' " + failure.description + " after it may have accepted the request; "
                            + "it was not re-sent to another region because " + why, null);
        }

        private Mono<Void> noRegionAvailable(String why) {
            metrics.request(null, "no_region_available", 503);
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
            headers.set(FAILOVERS_HEADER, Integer.toString(passedOver.size()));
            String tried = "; tried " + (passedOver.isEmpty() ? "none" : String.join(", ", passedOver));
            RoutingDecision decision = exchange.getAttribute(GeoRoutingFilter.DECISION_ATTR);
            if (decision != null && decision.zone() != null) {
                // Confined requests never leave their zone, so say which zone ran out of regions.
                return ErrorResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "no_region_in_zone",
                        "no region of residency zone '" + decision.zone() + "' can take this request now: " + why
                                + tried + "; it is never served outside its zone", ResidencyPolicy.HEADER);
            }
            return ErrorResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "no_region_available",
                    "no region can take this request now: " + why + tried, null);
        }
    }

    /** One attempt's permits; each is given back exactly once whatever happens. */
    private final class Attempt {

        final Target target;
        private final CircuitBreaker circuit;
        private final Bulkhead bulkhead;
        private final long start;
        private final AtomicBoolean outcomeOpen = new AtomicBoolean(true);
        private final AtomicBoolean bulkheadHeld = new AtomicBoolean(true);
        private final AtomicBoolean retryHeld;
        private final @Nullable RequestTelemetry telemetry;
        private final AtomicBoolean outcomeNoted = new AtomicBoolean();

        Attempt(Target target, CircuitBreaker circuit, Bulkhead bulkhead, boolean retry, long start,
                @Nullable RequestTelemetry telemetry) {
            this.target = target;
            this.telemetry = telemetry;
            this.circuit = circuit;
            this.bulkhead = bulkhead;
            this.retryHeld = new AtomicBoolean(retry);
            this.start = start;
            endpointLoad.started(target.endpoint());
        }

        long elapsed() {
            return Math.max(0, clock.millis() - start);
        }

        void success(long elapsed) {
            if (outcomeOpen.getAndSet(false)) {
                circuit.onSuccess(elapsed, TimeUnit.MILLISECONDS);
            }
        }

        void failure(long elapsed, Throwable error) {
            if (outcomeOpen.getAndSet(false)) {
                circuit.onError(elapsed, TimeUnit.MILLISECONDS, error);
            }
        }

        /** The attempt ended without an outcome (client gone, request rejected): no verdict on the region. */
        void abandon() {
            if (outcomeOpen.getAndSet(false)) {
                circuit.releasePermission();
            }
            noteOutcome("abandoned", false);
            releaseBulkhead();
            releaseRetry();
        }

        /** Notes the attempt's outcome, once, on the request's span: a status code or a failure's tag. */
        void noteOutcome(String outcome, boolean error) {
            if (telemetry != null && !outcomeNoted.getAndSet(true)) {
                telemetry.attemptEnded(target.region(), outcome, error);
            }
        }

        void releaseBulkhead() {
            if (bulkheadHeld.getAndSet(false)) {
                endpointLoad.finished(target.endpoint());
                bulkhead.onComplete();
            }
        }

        void releaseRetry() {
            if (retryHeld.getAndSet(false)) {
                budget.releaseRetry();
            }
        }
    }

    private record Upstream(HttpClientResponse response, Connection connection) {
    }

    private record Outcome(@Nullable Upstream response, @Nullable Throwable error) {

        static Outcome answered(Upstream upstream) {
            return new Outcome(upstream, null);
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

    /** Whether an answer of this Content-Type is a stream of events, each to be flushed as it comes. */
    static boolean isStreaming(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.strip();
        return startsWithType(type, MediaType.TEXT_EVENT_STREAM_VALUE) || startsWithType(type, MediaType.APPLICATION_NDJSON_VALUE);
    }

    private static boolean startsWithType(String contentType, String type) {
        return contentType.regionMatches(true, 0, type, 0, type.length())
                && (contentType.length() == type.length() || contentType.charAt(type.length()) == ';'
                        || Character.isWhitespace(contentType.charAt(type.length())));
    }

    private static DataBuffer wrap(ByteBuf buffer, DataBufferFactory factory) {
        if (factory instanceof NettyDataBufferFactory netty) {
            return netty.wrap(buffer);
        }
        try {
            DataBuffer copy = factory.allocateBuffer(buffer.readableBytes());
            copy.write(buffer.nioBuffer());
            return copy;
        } finally {
            buffer.release();
        }
    }
}
