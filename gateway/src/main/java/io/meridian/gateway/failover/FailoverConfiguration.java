package io.meridian.gateway.failover;

import io.meridian.gateway.affinity.AffinityProperties;
import io.meridian.gateway.affinity.TwoChoicesPicker;
import io.meridian.gateway.forwarding.RegionClient;
import io.meridian.gateway.forwarding.ResponseBodyDecorator;
import io.meridian.gateway.forwarding.ResponseRelay;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.idempotency.KeyOwnership;
import io.meridian.gateway.routing.ProxyProperties;
import io.meridian.gateway.tenant.TokenMetering;
import io.meridian.gateway.tenant.UsageLedger;
import io.meridian.gateway.tls.RegionClientTls;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

@Configuration(proxyBeanMethods = false)
class FailoverConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RegionGuards regionGuards(RegionCatalog catalog, CircuitBreakerProperties circuit, BulkheadProperties bulkhead,
            Clock clock) {
        return new RegionGuards(catalog, circuit, bulkhead, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    CandidateSelector candidateSelector(HealthRegistry health, RegionGuards guards) {
        return new HealthAwareCandidateSelector(health, guards);
    }

    @Bean
    EndpointLoad endpointLoad() {
        return new EndpointLoad();
    }

    @Bean
    @ConditionalOnMissingBean
    EndpointPicker endpointPicker(HealthRegistry health, EndpointLoad load, AffinityProperties affinity) {
        return new AffinityEndpointPicker(health, load, affinity.virtualNodes(), affinity.loadFactor(),
                new TwoChoicesPicker(bound -> ThreadLocalRandom.current().nextInt(bound)));
    }

    @Bean
    CallDeadlines callDeadlines(FailoverProperties properties, CircuitBreakerProperties circuit, HealthRegistry health) {
        return new CallDeadlines(properties.deadlines(), health, circuit.slowCallShare());
    }

    /**
     * The client every call to a region goes through: forwarded requests and the gateway's own
     * fan-outs ({@code GET /v1/models}) alike, with one connection pool, the gateway's client
     * certificate and the header rules of {@link RegionClient}.
     */
    @Bean
    @ConditionalOnMissingBean
    RegionClient regionClient(FailoverProperties properties, RegionGuards guards, RegionCatalog catalog,
            RegionClientTls tls, CallDeadlines deadlines) {
        // Idle connections are dropped well before a region's keep-alive timeout closes them, so a
        // request never lands on a connection the region is closing ("prematurely closed"). Each
        // endpoint may hold as many connections as its region's bulkhead admits requests: a request
        // the bulkhead let through never queues for a connection (the builder's default, two per core
        // and at least 16, made requests wait, and failed them once twice that many were waiting).
        int connectionsPerEndpoint = catalog.regions().stream()
                .mapToInt(region -> guards.bulkhead(region).getBulkheadConfig().getMaxConcurrentCalls())
                .max().orElse(1);
        ConnectionProvider pool = ConnectionProvider.builder("meridian-regions")
                .maxConnections(connectionsPerEndpoint)
                .maxIdleTime(properties.maxIdleTime())
                .evictInBackground(properties.maxIdleTime())
                .build();
        int connectTimeoutMillis = Math.toIntExact(properties.connectTimeout().toMillis());
        HttpClient client = HttpClient.create(pool).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        // A repeat to a key's owner after a reset goes on a connection of its own (AttemptRunner).
        HttpClient unpooled = HttpClient.newConnection().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        return RegionClient.reactor(client, unpooled, tls, deadlines::fallback);
    }

    @Bean
    FailoverForwardingFilter failoverForwardingFilter(FailoverProperties properties, ProxyProperties proxy,
            CandidateSelector selector, EndpointPicker picker,
            RegionGuards guards, HealthRegistry health, RegionCatalog catalog, ObjectProvider<MeterRegistry> meters,
            EndpointLoad endpointLoad, RegionClient regionClient, CallDeadlines deadlines,
            ObjectProvider<UsageLedger> ledger, ObjectProvider<KeyOwnership> keyOwnership, Clock clock) {
        RetryBudget budget = new RetryBudget(properties.retryBudget().ratio(), properties.retryBudget().minRetries());
        FailoverMetrics metrics = new FailoverMetrics(meters.getIfAvailable(SimpleMeterRegistry::new), catalog, guards, health);
        AttemptRunner runner = new AttemptRunner(regionClient,
                ResponseRelay.streaming(responseDecorators(ledger.getIfAvailable())),
                new AttemptPermits(guards, budget, endpointLoad, clock), health, metrics,
                new KeyedRequests(keyOwnership.getIfAvailable(), health, guards, catalog, metrics),
                properties.retryAfter().toSeconds(), deadlines);
        return new FailoverForwardingFilter(selector, picker, budget, runner, properties.maxBufferedBody().toBytes(),
                proxy.maxBodySize().toBytes());
    }

    /**
     * The deadlines {@link FailoverProperties.Deadlines} binds by default, for runners built without
     * properties (unit tests); keep in step with its {@code @DefaultValue}s.
     */
    static FailoverProperties.Deadlines defaultDeadlines() {
        FailoverProperties.Answer answer = new FailoverProperties.Answer(Duration.ofSeconds(10), Duration.ofMinutes(10));
        return new FailoverProperties.Deadlines(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(45),
                answer, answer, new FailoverProperties.Read(Duration.ofSeconds(10)),
                new FailoverProperties.Stream(Duration.ofMinutes(5)));
    }

    /** What the relay does to an answer's body: with a usage ledger, it meters the tenant's tokens. */
    private static List<ResponseBodyDecorator> responseDecorators(@Nullable UsageLedger ledger) {
        if (ledger == null) {
            return List.of();
        }
        TokenMetering metering = new TokenMetering(ledger);
        return List.of((exchange, answer, streaming, body, buffers) ->
                metering.meter(exchange, answer.status(), answer::header, streaming, body, buffers));
    }
}
