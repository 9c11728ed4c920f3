package io.meridian.gateway.dashboard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meridian.gateway.failover.RegionGuards;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.routing.CountryTraffic;
import io.meridian.gateway.routing.RegionDrains;
import io.meridian.gateway.tls.RegionClientTls;
import io.meridian.geoip.CountryReferencePoints;
import io.meridian.protocol.QueueSnapshot;
import io.meridian.region.GeoPoint;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Polls every region's {@code GET /v1/queues} and assembles the dashboard's {@link DashboardState}.
 *
 * <p>Design note: all regions are polled at once on the event loop with a short timeout, so a
 * region that does not answer costs one timeout and never delays the others; it is marked
 * unreachable (since the first failed poll of the current run) and keeps its last known queues,
 * greyed out by the page, until it answers again. Rounds do not overlap ({@link #pollOnce()} runs
 * every poll interval on a {@link io.meridian.boot.PeriodicLifecycle}). After each round the
 * state is assembled once and published through a volatile field: every dashboard request and
 * every open event stream reads the same immutable object, so a hundred open pages cost the
 * regions nothing more than one. The regions are the source of truth for queues; the gateway's
 * own figures (health, circuit, traffic, latency, fail-overs) come from the meters and the health
 * registry it keeps anyway.
 *
 * <p>Failed tasks are not polled: their ids and tenants are the regions' to show only to the
 * admin token, which the gateway does not hold (it knows the token's hash alone). {@link
 * #withFailures} asks every region for them with the token of the operator who asks, when an
 * operator asks; the state everyone else reads lists none (see {@link DashboardState}).
 */
public final class DashboardAggregator {

    private static final Logger log = LoggerFactory.getLogger(DashboardAggregator.class);

    /** Failed tasks asked of each region per poll, and shown across all regions. */
    static final int FAILURES = 25;

    /** The fields of the shared totals: a prefix and a country code or region id. */
    private static final String COUNTRY = "country:";
    private static final String REQUESTS = "requests:";
    private static final String FAILOVERS_OUT = "failovers-out:";
    private static final String FAILOVERS_IN = "failovers-in:";
    private static final String DUPLICATES_OUT = "duplicates-out:";
    private static final String DUPLICATES_IN = "duplicates-in:";

    /** Queues at or above this share of their bound make their region look degraded. */
    private static final double BACKLOG_WARNING = 0.8;

    private final RegionCatalog catalog;
    private final HealthRegistry health;
    private final RegionGuards guards;
    private final RegionMeters meters;
    private final CountryTraffic countries;
    private final RegionDrains drains;
    private final CountryReferencePoints countryPoints;
    private final DashboardProperties properties;
    private final Clock clock;
    private final WebClient client;
    private final @Nullable SharedTotals shared;
    private final Map<String, Polled> polled = new ConcurrentHashMap<>();
    private volatile DashboardState state;

    private final @Nullable Supplier<DashboardState.@Nullable Spend> spend;

    DashboardAggregator(RegionCatalog catalog, HealthRegistry health, RegionGuards guards, RegionMeters meters,
            CountryTraffic countries, RegionDrains drains, DashboardProperties properties, Clock clock, RegionClientTls tls,
            @Nullable SharedTotals shared) {
        this(catalog, health, guards, meters, countries, drains, properties, clock, tls, shared, null);
    }

    /**
     * @param spend the deployment's spend rate against its ceiling, for operators; {@code null}
     *              without a ceiling
     */
    DashboardAggregator(RegionCatalog catalog, HealthRegistry health, RegionGuards guards, RegionMeters meters,
            CountryTraffic countries, RegionDrains drains, DashboardProperties properties, Clock clock, RegionClientTls tls,
            @Nullable SharedTotals shared, @Nullable Supplier<DashboardState.@Nullable Spend> spend) {
        this.spend = spend;
        this.drains = drains;
        this.shared = shared;
        this.catalog = catalog;
        this.health = health;
        this.guards = guards;
        this.meters = meters;
        this.countries = countries;
        this.countryPoints = CountryReferencePoints.bundled();
        this.properties = properties;
        this.clock = clock;
        this.state = DashboardState.empty(properties.pollInterval().toMillis());
        HttpClient http = HttpClient.create()
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeout().toMillis())
                .responseTimeout(properties.timeout());
        // https regions are polled with the gateway's client certificate, like its requests.
        // Members a region sends that the protocol's records do not name are skipped, so a newer
        // task server still reads.
        JacksonJsonDecoder lenient = new JacksonJsonDecoder(
                JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
        this.client = WebClient.builder().clientConnector(tls.connector(http))
                .codecs(codecs -> codecs.defaultCodecs().jacksonJsonDecoder(lenient))
                .build();
        for (Region region : catalog.regions()) {
            polled.put(region.id(), new Polled(region.id()));
        }
    }

    /**
     * The state after the latest poll (empty before the first), as anyone may read it: without
     * failed tasks, whose ids and tenants are for the admin token only.
     */
    public DashboardState state() {
        return state;
    }

    /**
     * The latest state with the latest failed tasks of every region, asked of the regions now with
     * an operator's admin token, which the regions check (the gateway should have checked it first).
     * A region that does not answer contributes the list it gave last.
     *
     * @param authorization the operator's {@code Authorization} header, passed on as it is
     * @return the state with its failures
     */
    public Mono<DashboardState> withFailures(String authorization) {
        return Flux.fromIterable(catalog.regions())
                .flatMap(region -> pollFailures(region, authorization))
                .then(Mono.fromCallable(() -> {
                    List<RegionFailure> failures = new ArrayList<>();
                    polled.values().forEach(target -> failures.addAll(target.failures));
                    failures.sort(Comparator.comparing((RegionFailure failure) -> failure.task().finishedAt(),
                            Comparator.nullsLast(Comparator.reverseOrder())));
                    return state.withFailures(List.copyOf(failures.subList(0, Math.min(FAILURES, failures.size()))),
                            spend == null ? null : spend.get());
                }));
    }

    /** Polls every region once, assembles the state and completes with it. */
    public Mono<DashboardState> pollOnce() {
        return Flux.fromIterable(catalog.regions())
                .flatMap(this::poll)
                .then(Mono.defer(this::everyGatewaysTotals))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .map(totals -> assemble(totals.orElse(null)))
                .doOnNext(assembled -> state = assembled);
    }

    /** Every gateway's counts through the shared Redis; empty without one or while it is away. */
    private Mono<Map<String, Long>> everyGatewaysTotals() {
        if (shared == null) {
            return Mono.empty();
        }
        Map<String, Long> own = new HashMap<>();
        countries.snapshot().forEach((code, requests) -> own.put(COUNTRY + code, requests));
        for (Region region : catalog.regions()) {
            String id = region.id();
            own.put(REQUESTS + id, (long) meters.requests(id));
            own.put(FAILOVERS_OUT + id, (long) meters.failoversOut(id));
            own.put(FAILOVERS_IN + id, (long) meters.failoversIn(id));
            own.put(DUPLICATES_OUT + id, (long) meters.duplicatesOut(id));
            own.put(DUPLICATES_IN + id, (long) meters.duplicatesIn(id));
        }
        return shared.exchange(own);
    }

    /** A count: every gateway's when {@code totals} has them, else this gateway's. */
    private static double count(@Nullable Map<String, Long> totals, String field, double own) {
        return totals == null ? own : totals.getOrDefault(field, 0L);
    }

    private Mono<Void> poll(Region region) {
        Polled target = polled.get(region.id());
        URI url = URI.create(endpointFor(region) + "/v1/queues");
        return client.get().uri(url)
                .retrieve()
                .bodyToMono(RegionAnswers.Queues.class)
                .timeout(properties.timeout())
                .handle((answer, sink) -> {
                    if (answer.queues() == null) {
                        sink.error(new IllegalStateException("its answer to /v1/queues lists no queues"));
                    }
                    else {
                        sink.next(answer);
                    }
                })
                .cast(RegionAnswers.Queues.class)
                .doOnNext(answer -> target.answered(answer.queues(), clock.millis(), properties.samples()))
                .onErrorResume(failure -> {
                    target.failed(describe(failure), clock.millis());
                    return Mono.empty();
                })
                .then();
    }

    /**
     * The region's latest failures, every tenant's, asked with the admin token. A region that
     * cannot list them (unreachable, refusing the token, or a task server without the list) keeps
     * its last known list; reachability is the queue poll's call.
     */
    private Mono<Void> pollFailures(Region region, String authorization) {
        Polled target = polled.get(region.id());
        URI url = URI.create(endpointFor(region) + "/v1/tasks?limit=" + FAILURES);
        return client.get().uri(url)
                .header(HttpHeaders.AUTHORIZATION, authorization)
                .retrieve()
                .bodyToMono(RegionAnswers.Failures.class)
                .timeout(properties.timeout())
                .doOnNext(answer -> target.failures = answer.tasks() == null ? List.of()
                        : answer.tasks().stream().map(task -> new RegionFailure(region.id(), task)).toList())
                .onErrorResume(failure -> Mono.empty())
                .then();
    }

    /** The first endpoint the health checks consider up, else the primary one. */
    private URI endpointFor(Region region) {
        for (URI endpoint : region.endpoints()) {
            if (health.isHealthy(endpoint)) {
                return endpoint;
            }
        }
        return region.primaryEndpoint();
    }

    private String describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "no answer within " + properties.timeout().toMillis() + " ms";
        }
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    private DashboardState assemble(@Nullable Map<String, Long> totals) {
        long now = clock.millis();
        List<DashboardState.RegionState> regions = new ArrayList<>();
        for (Region region : catalog.regions()) {
            regions.add(regionState(region, polled.get(region.id()), now, totals));
        }
        return new DashboardState(now, properties.pollInterval().toMillis(), List.copyOf(regions), countryCounts(totals),
                List.of(), totals != null, null);
    }

    private DashboardState.RegionState regionState(Region region, Polled target, long now,
            @Nullable Map<String, Long> totals) {
        CircuitBreaker.State circuit = guards.circuit(region).getState();
        boolean healthy = health.isHealthy(region);
        String id = region.id();
        double requests = count(totals, REQUESTS + id, meters.requests(id));
        double rate = target.requestRate(requests, now);
        List<DashboardState.QueueState> queues = new ArrayList<>();
        boolean backlogged = false;
        for (QueueSnapshot sample : target.queues) {
            QueueHistory history = target.histories.get(sample.name());
            queues.add(new DashboardState.QueueState(sample, history == null
                    ? new QueueHistory(1).series() : history.series()));
            backlogged |= sample.maxDepth() > 0 && sample.depth() >= BACKLOG_WARNING * sample.maxDepth();
        }
        boolean reachable = target.unreachableSince == null;
        String status;
        if (!reachable || !healthy || circuit == CircuitBreaker.State.OPEN || circuit == CircuitBreaker.State.FORCED_OPEN) {
            status = "down";
        }
        else if (drains.isDrained(region.id())) {
            status = "drained";
        }
        else if (circuit == CircuitBreaker.State.HALF_OPEN || backlogged) {
            status = "degraded";
        }
        else {
            status = "healthy";
        }
        GeoPoint at = region.location();
        return new DashboardState.RegionState(region.id(), region.displayName(), at.latitude(), at.longitude(), status,
                drains.isDrained(region.id()), reachable, target.unreachableSince, target.error, healthy, circuit.name(), guards.inFlight(region),
                health.load(region).version(), rate, meters.percentileMillis(region.id(), 0.5),
                meters.percentileMillis(region.id(), 0.99), (long) count(totals, FAILOVERS_OUT + id, meters.failoversOut(id)),
                (long) count(totals, FAILOVERS_IN + id, meters.failoversIn(id)),
                (long) count(totals, DUPLICATES_OUT + id, meters.duplicatesOut(id)),
                (long) count(totals, DUPLICATES_IN + id, meters.duplicatesIn(id)), List.copyOf(queues),
                health.incompatibleProtocol(region));
    }

    private List<DashboardState.CountryCount> countryCounts(@Nullable Map<String, Long> totals) {
        Map<String, Long> byCountry = countries.snapshot();
        if (totals != null) {
            byCountry = new HashMap<>();
            for (Map.Entry<String, Long> total : totals.entrySet()) {
                if (total.getKey().startsWith(COUNTRY) && total.getValue() > 0) {
                    byCountry.put(total.getKey().substring(COUNTRY.length()), total.getValue());
                }
            }
        }
        List<DashboardState.CountryCount> counts = new ArrayList<>();
        byCountry.forEach((code, requests) -> {
            Optional<GeoPoint> point = countryPoints.pointOf(code);
            counts.add(new DashboardState.CountryCount(code, point.map(GeoPoint::latitude).orElse(null),
                    point.map(GeoPoint::longitude).orElse(null), requests));
        });
        counts.sort(Comparator.comparingLong(DashboardState.CountryCount::requests).reversed());
        return List.copyOf(counts);
    }

    /** What the polls of one region have found; written by one poll at a time. */
    private static final class Polled {
        final String region;
        final Map<String, QueueHistory> histories = new ConcurrentHashMap<>();
        volatile List<QueueSnapshot> queues = List.of();
        volatile List<RegionFailure> failures = List.of();
        volatile @Nullable Long unreachableSince;
        volatile @Nullable String error;
        private double lastRequests = Double.NaN;
        private long lastRequestsAt;
        private double rate;

        Polled(String region) {
            this.region = region;
        }

        void answered(List<QueueSnapshot> answer, long now, int samples) {
            for (QueueSnapshot sample : answer) {
                histories.computeIfAbsent(sample.name(), name -> new QueueHistory(samples)).add(now, sample);
            }
            queues = List.copyOf(answer);
            if (unreachableSince != null) {
                log.info("Dashboard: region {} reachable again", region);
            }
            unreachableSince = null;
            error = null;
        }

        void failed(String why, long now) {
            if (unreachableSince == null) {
                unreachableSince = now;
                log.info("Dashboard: region {} unreachable: {}", region, why);
            }
            error = why;
        }

        synchronized double requestRate(double requests, long now) {
            if (!Double.isNaN(lastRequests) && now > lastRequestsAt) {
                rate = Math.max(0, requests - lastRequests) * 1000.0 / (now - lastRequestsAt);
            }
            lastRequests = requests;
            lastRequestsAt = now;
            return rate;
        }
    }
}
