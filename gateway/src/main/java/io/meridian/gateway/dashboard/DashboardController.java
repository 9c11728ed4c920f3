package io.meridian.gateway.dashboard;

import io.meridian.boot.AdminCredential;
import io.meridian.gateway.error.ErrorResponses;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /dashboard}: the page, its script, style and map, all from the gateway's own resources
 * (nothing is fetched from elsewhere), and the two endpoints it reads: {@code /dashboard/api/state}
 * (the whole state, once) and {@code /dashboard/api/events} (the same state as server-sent events,
 * one per poll interval).
 *
 * <p>Both are public and answer the {@link DashboardState} anyone may see: no task ids, nothing of
 * any tenant. With the admin bearer token ({@code Authorization: Bearer <token>}) they add the
 * regions' latest failed tasks, asked of the regions with that token; a wrong token is {@code 401},
 * never the public state, so that a page holding a stale token learns it.
 */
@RestController
@ConditionalOnProperty(prefix = DashboardProperties.PREFIX, name = "enabled", matchIfMissing = true)
class DashboardController {

    /** The files under {@code classpath:dashboard/} the page may load; nothing else is served. */
    private static final java.util.Map<String, MediaType> ASSETS = java.util.Map.of(
            "dashboard.css", MediaType.valueOf("text/css"),
            "dashboard.js", MediaType.valueOf("text/javascript"),
            "countries-110m.json", MediaType.APPLICATION_JSON);

    private final DashboardAggregator aggregator;

    private final AdminCredential credential;

    private final Duration interval;

    DashboardController(DashboardAggregator aggregator, AdminCredential credential, DashboardProperties properties) {
        this.aggregator = aggregator;
        this.credential = credential;
        this.interval = properties.pollInterval();
    }

    @GetMapping(path = {"/dashboard", "/dashboard/"}, produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<Resource> page() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).contentType(MediaType.TEXT_HTML)
                .body(new ClassPathResource("dashboard/index.html"));
    }

    @GetMapping("/dashboard/assets/{name}")
    ResponseEntity<Resource> asset(@PathVariable String name) {
        MediaType type = ASSETS.get(name);
        if (type == null) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).contentType(type)
                .body(new ClassPathResource("dashboard/" + name));
    }

    @GetMapping(path = "/dashboard/api/state", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> state(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        if (authorization == null) {
            return Mono.fromSupplier(() -> ResponseEntity.ok(aggregator.state()));
        }
        String refusal = credential.refusal(authorization);
        if (refusal != null) {
            return Mono.just(unauthorized(refusal));
        }
        return aggregator.withFailures(authorization).map(ResponseEntity::ok);
    }

    @GetMapping(path = "/dashboard/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<ResponseEntity<?>> events(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        if (authorization == null) {
            return Mono.just(ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                    .body(stream(tick -> Mono.fromSupplier(aggregator::state))));
        }
        String refusal = credential.refusal(authorization);
        if (refusal != null) {
            return Mono.just(unauthorized(refusal));
        }
        return Mono.just(ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                .body(stream(tick -> aggregator.withFailures(authorization))));
    }

    private Flux<ServerSentEvent<DashboardState>> stream(Function<Long, Mono<DashboardState>> states) {
        return Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .concatMap(states, 1)
                .map(state -> ServerSentEvent.builder(state).event("state").build());
    }

    private static ResponseEntity<String> unauthorized(String refusal) {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_JSON)
                .body(ErrorResponses.json(HttpStatus.UNAUTHORIZED.value(), "unauthorized", refusal,
                        HttpHeaders.AUTHORIZATION));
    }
}
