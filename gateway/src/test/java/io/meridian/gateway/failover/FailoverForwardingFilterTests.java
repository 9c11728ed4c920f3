package io.meridian.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.forwarding.RegionAnswer;
import io.meridian.gateway.forwarding.RegionClient;
import io.meridian.gateway.forwarding.RegionRequest;
import io.meridian.gateway.forwarding.ResponseRelay;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.client.ClientIp;
import io.meridian.gateway.routing.RoutingAttributes;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.geoip.GeoLocation;
import io.meridian.region.RankedRegion;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.meridian.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The forwarding filter and its attempt runner against fake regions: which region is tried, what
 * the client gets, and that every permit comes back.
 */
class FailoverForwardingFilterTests {

    static final Duration WAIT = Duration.ofSeconds(30);

    final MutableClock clock = new MutableClock();
    final RegionCatalog catalog = Regions.catalog(3, 4);
    final List<Region> regions = catalog.regions();
    final RegionGuards guards = new RegionGuards(catalog, HealthAwareCandidateSelectorTests.CIRCUIT,
            new BulkheadProperties(null), clock);
    final HealthRegistry health = new HealthRegistry(catalog, HealthAwareCandidateSelectorTests.HEALTH, clock);
    final EndpointLoad load = new EndpointLoad();
    final FakeRegions fake = new FakeRegions();
    RetryBudget budget = new RetryBudget(1, 10);

    FailoverForwardingFilter filter(long maxBufferedBody) {
        FailoverMetrics metrics = new FailoverMetrics(new SimpleMeterRegistry(), catalog, guards, health);
        AttemptRunner runner = new AttemptRunner(fake, ResponseRelay.streaming(List.of()),
                new AttemptPermits(guards, budget, load, clock), health, metrics,
                new KeyedRequests(null, health, guards, catalog, metrics), 7);
        CandidateSelector proximity = ranked -> ranked.stream().map(RankedRegion::region).toList();
        EndpointPicker primary = (region, session) -> List.of(region.primaryEndpoint());
        return new FailoverForwardingFilter(proximity, primary, budget, runner, maxBufferedBody, 1024);
    }

    static MockServerWebExchange routed(MockServerHttpRequest request, List<Region> candidates) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        List<RankedRegion> ranked = candidates.stream().map(r -> new RankedRegion(r, 0, 0)).toList();
        exchange.getAttributes().put(RoutingAttributes.DECISION, new RoutingDecision(
                new ClientIp(InetAddress.getLoopbackAddress(), 0),
                new GeoLocation("DE", new io.meridian.region.GeoPoint(51.0, 10.0), GeoLocation.Source.COUNTRY_REFERENCE_POINT), ranked));
        return exchange;
    }

    MockServerWebExchange forward(MockServerHttpRequest request) {
        MockServerWebExchange exchange = routed(request, regions);
        filter(1024).filter(exchange, e -> Mono.error(new AssertionError("the chain must not run"))).block(WAIT);
        return exchange;
    }

    static MockServerHttpRequest post(String body, String... headers) {
        MockServerHttpRequest.BodyBuilder builder = MockServerHttpRequest.post("/v1/chat/completions")
                .contentLength(body.length());
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.body(body);
    }

    static String body(MockServerWebExchange exchange) {
        return exchange.getResponse().getBodyAsString().block(WAIT);
    }

    URI endpoint(int region) {
        return regions.get(region).primaryEndpoint();
    }

    @AfterEach
    void everyPermitCameBack() {
        for (Region region : regions) {
            assertThat(guards.inFlight(region)).as("bulkhead of %s", region.id()).isZero();
            assertThat(load.outstanding(region.primaryEndpoint())).as("load of %s", region.id()).isZero();
        }
        assertThat(budget.activeRetries()).isZero();
    }

    @Test
    void failsOverPastAnUnreachableRegionAndNamesTheRegionThatServed() {
        fake.on(0, request -> Mono.error(new ConnectException("Connection refused")));
        fake.on(1, request -> Mono.just(new Answer(200, "from r1")));

        MockServerWebExchange exchange = forward(post("{\"n\":1}"));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(body(exchange)).isEqualTo("from r1");
        assertThat(exchange.getResponse().getHeaders().getFirst("X-Meridian-Region")).isEqualTo("r1");
        assertThat(exchange.getResponse().getHeaders().getFirst(FailoverForwardingFilter.FAILOVERS_HEADER)).isEqualTo("1");
        assertThat(fake.sent).containsExactly(endpoint(0), endpoint(1));
        assertThat(fake.bodies).containsExactly("{\"n\":1}", "{\"n\":1}");
        assertThat(health.isHealthy(endpoint(0))).isFalse();
        assertThat(ServerWebExchangeUtils.isAlreadyRouted(exchange)).isTrue();
    }

    @Test
    void neverResendsAPostWithoutAnIdempotencyKeyThatMayHaveReachedItsRegion() {
        fake.on(0, request -> Mono.error(new IOException("Connection reset by peer")));

        MockServerWebExchange exchange = forward(post("{}"));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(body(exchange)).contains("\"region_failed\"", "region 'r0' closed the connection before answering",
                "POST without an Idempotency-Key header is not safe to repeat");
        assertThat(fake.sent).containsExactly(endpoint(0));
        assertThat(guards.circuit(regions.get(0)).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    @Test
    void resendsAPostWithAnIdempotencyKeyPastARegionThatAnswered503() {
        Answer busy = new Answer(503, "busy");
        fake.on(0, request -> Mono.just(busy));
        fake.on(1, request -> Mono.just(new Answer(201, "created")));

        MockServerWebExchange exchange = forward(post("{}", FailoverForwardingFilter.IDEMPOTENCY_KEY_HEADER, "k-1"));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(body(exchange)).isEqualTo("created");
        assertThat(busy.discarded).isTrue();
        assertThat(guards.circuit(regions.get(0)).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(guards.circuit(regions.get(1)).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    }

    @Test
    void aPostThatCannotBeRepeatedSeesTheRegions503() {
        fake.on(0, request -> Mono.just(new Answer(503, "busy")));

        MockServerWebExchange exchange = forward(post("{}"));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(body(exchange)).isEqualTo("busy");
        assertThat(exchange.getResponse().getHeaders().getFirst("X-Meridian-Region")).isEqualTo("r0");
        assertThat(fake.sent).containsExactly(endpoint(0));
    }

    @Test
    void aStreamedBodyThatItsRegionBeganToReadIsNotSentAgain() {
        fake.on(0, request -> DataBufferUtils.join(request.body().content(exchangeBuffers()))
                .doOnNext(DataBufferUtils::release)
                .then(Mono.error(new ConnectException("Connection refused"))));

        MockServerWebExchange exchange = routed(post("0123456789"), regions);
        filter(4).filter(exchange, e -> Mono.empty()).block(WAIT);

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(body(exchange)).contains("its body was streamed rather than kept, so it cannot be sent again");
        assertThat(fake.sent).containsExactly(endpoint(0));
    }

    @Test
    void answersNoRegionAvailableWithRetryAfterWhenEveryRegionFailed() {
        for (int i = 0; i < regions.size(); i++) {
            fake.on(i, request -> Mono.error(new ConnectException("Connection refused")));
        }

        MockServerWebExchange exchange = forward(MockServerHttpRequest.get("/v1/models").build());

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
        assertThat(exchange.getResponse().getHeaders().getFirst(FailoverForwardingFilter.FAILOVERS_HEADER)).isEqualTo("3");
        assertThat(body(exchange)).contains("\"no_region_available\"", "tried r0, r1, r2");
    }

    @Test
    void skipsARegionWhoseCircuitIsOpenWithoutSendingToIt() {
        guards.circuit(regions.get(0)).transitionToOpenState();
        fake.on(1, request -> Mono.just(new Answer(200, "ok")));

        MockServerWebExchange exchange = forward(post("{}"));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(exchange.getResponse().getHeaders().getFirst(FailoverForwardingFilter.FAILOVERS_HEADER)).isEqualTo("1");
        assertThat(fake.sent).containsExactly(endpoint(1));
    }

    @Test
    void stopsTryingWhenTheRetryBudgetIsSpent() {
        budget = new RetryBudget(0, 0);
        fake.on(0, request -> Mono.error(new ConnectException("Connection refused")));
        fake.on(1, request -> Mono.just(new Answer(200, "ok")));

        MockServerWebExchange exchange = forward(MockServerHttpRequest.get("/v1/models").build());

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(body(exchange)).contains("retry budget is spent", "after 1 failed");
        assertThat(fake.sent).containsExactly(endpoint(0));
    }

    @Test
    void aCancelledAttemptGivesItsPermitsBackWithoutAVerdictOnTheRegion() {
        AtomicBoolean subscribed = new AtomicBoolean();
        fake.on(0, request -> Mono.<RegionAnswer>never().doOnSubscribe(s -> subscribed.set(true)));

        MockServerWebExchange exchange = routed(MockServerHttpRequest.get("/v1/models").build(), regions);
        Disposable forwarding = filter(1024).filter(exchange, e -> Mono.empty()).subscribe();
        assertThat(subscribed).isTrue();
        assertThat(guards.inFlight(regions.get(0))).isEqualTo(1);

        forwarding.dispose();

        assertThat(guards.circuit(regions.get(0)).getMetrics().getNumberOfBufferedCalls()).isZero();
    }

    @Test
    void aRequestNotRoutedToARegionGoesDownTheChainUntouched() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/health").build());
        AtomicBoolean chained = new AtomicBoolean();

        filter(1024).filter(exchange, e -> Mono.fromRunnable(() -> chained.set(true))).block(WAIT);

        assertThat(chained).isTrue();
        assertThat(fake.sent).isEmpty();
    }

    static DataBufferFactory exchangeBuffers() {
        return org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance;
    }

    /** Regions that answer as each test says, recording where requests went and what they carried. */
    final class FakeRegions implements RegionClient {

        final Map<URI, Function<RegionRequest, Mono<RegionAnswer>>> answers = new HashMap<>();
        final List<URI> sent = new ArrayList<>();
        final List<String> bodies = new ArrayList<>();

        void on(int region, Function<RegionRequest, Mono<? extends RegionAnswer>> answer) {
            answers.put(endpoint(region), request -> answer.apply(request).map(RegionAnswer.class::cast));
        }

        @Override
        public Mono<RegionAnswer> send(URI endpoint, RegionRequest request) {
            sent.add(endpoint);
            if (request.body().replayable()) {
                bodies.add(DataBufferUtils.join(request.body().content(exchangeBuffers()))
                        .map(b -> b.toString(StandardCharsets.UTF_8)).defaultIfEmpty("").block(WAIT));
            }
            Function<RegionRequest, Mono<RegionAnswer>> answer = answers.get(endpoint);
            return answer == null ? Mono.error(new AssertionError("nothing expected at " + endpoint)) : answer.apply(request);
        }
    }

    /** A region's answer with a text body. */
    static final class Answer implements RegionAnswer {

        final int status;
        final String body;
        volatile boolean discarded;

        Answer(int status, String body) {
            this.status = status;
            this.body = body;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public @Nullable String header(String name) {
            return name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE) ? "text/plain" : null;
        }

        @Override
        public void copyHeaders(HttpHeaders target) {
            target.set(HttpHeaders.CONTENT_TYPE, "text/plain");
            target.set("X-Meridian-Region", "spoofed");
        }

        @Override
        public Flux<DataBuffer> body(DataBufferFactory buffers) {
            return Flux.just(buffers.wrap(body.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void discard() {
            discarded = true;
        }
    }
}
