package io.meridian.gateway.health;

import io.meridian.gateway.tls.RegionClientTls;
import io.meridian.protocol.ProtocolVersion;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Asks every region endpoint for its readiness and feeds the answers to the {@link HealthRegistry};
 * {@link HealthConfiguration} runs a round ({@link #checkAll}) on a fixed interval through the
 * shared {@link io.meridian.boot.PeriodicLifecycle}.
 *
 * <p>Design note: all checks run on Reactor Netty's event loop through a non-blocking client, so
 * a hundred endpoints cost a hundred small requests per interval and no threads. A check passes on
 * a 2xx answer within the timeout; its body is read (bounded by the codec's in-memory limit) for
 * the optional load report. Rounds do not overlap: the next one starts only after the slowest
 * check of the previous round has answered or timed out (ticks that arrive meanwhile are dropped).
 */
final class ActiveHealthChecker {

    private static final Logger log = LoggerFactory.getLogger(ActiveHealthChecker.class);

    private final List<URI> endpoints;
    private final HealthRegistry registry;
    private final HealthProperties properties;
    private final HttpClient http;
    private final RegionClientTls tls;
    private final WebClient client;
    private volatile WebClient secureClient;

    ActiveHealthChecker(RegionCatalog catalog, HealthRegistry registry, HealthProperties properties) {
        this(catalog, registry, properties, RegionClientTls.none());
    }

    ActiveHealthChecker(RegionCatalog catalog, HealthRegistry registry, HealthProperties properties, RegionClientTls tls) {
        List<URI> all = new ArrayList<>();
        for (Region region : catalog.regions()) {
            all.addAll(region.endpoints());
        }
        this.endpoints = List.copyOf(all);
        this.registry = registry;
        this.properties = properties;
        this.http = HttpClient.create()
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeout().toMillis())
                .responseTimeout(properties.timeout());
        this.tls = tls;
        this.client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
        // https endpoints are checked with the gateway's client certificate, like its requests.
        this.secureClient = secureClient();
        tls.onChange(() -> this.secureClient = secureClient());
    }

    private WebClient secureClient() {
        return WebClient.builder().clientConnector(new ReactorClientHttpConnector(tls.secure(http))).build();
    }

    /** Checks every endpoint once and completes when all answers are recorded. */
    Mono<Void> checkAll() {
        return Flux.fromIterable(endpoints).flatMap(this::check).then();
    }

    Mono<Void> check(URI endpoint) {
        URI url = URI.create(endpoint + properties.path());
        WebClient checker = "https".equalsIgnoreCase(endpoint.getScheme()) ? secureClient : client;
        return checker.get().uri(url)
                .exchangeToMono(response -> response.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(body -> new Result(response.statusCode().is2xxSuccessful(), LoadReport.parse(body), false)))
                .timeout(properties.timeout())
                .onErrorResume(ex -> Mono.just(new Result(false, null, timedOut(ex))))
                .doOnNext(result -> {
                    boolean wasHealthy = registry.isHealthy(endpoint);
                    if (result.load != null && !RegionProtocol.compatible(result.load.protocol()) && wasHealthy) {
                        log.warn("Region endpoint {} speaks protocol {}.x and this gateway {}: no requests go to it until "
                                + "their major versions agree", endpoint, result.load.protocol(), ProtocolVersion.CURRENT);
                    }
                    if (!result.timedOut) {
                        registry.recordCheck(endpoint, result.up, result.load);
                    } else if (registry.recordCheckTimeout(endpoint)) {
                        log.debug("Region endpoint {} stays up: its checks time out, but live requests there still get "
                                + "their answers (a busy region, not a frozen one)", endpoint);
                    }
                    boolean healthy = registry.isHealthy(endpoint);
                    if (wasHealthy != healthy) {
                        log.info("Region endpoint {} is now {}", endpoint, healthy ? "up" : "down");
                    }
                })
                .then();
    }

    /** Whether a check failed for want of an answer in time, rather than by a refusal or a bad answer. */
    private static boolean timedOut(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof io.netty.handler.timeout.ReadTimeoutException
                    || cause instanceof io.netty.channel.ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** @param timedOut whether the check got no answer within the timeout */
    private record Result(boolean up, @Nullable LoadReport load, boolean timedOut) {
    }
}
