package io.meridian.gateway.dashboard;

import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /dashboard}: the page, its script, style and map, all from the gateway's own resources
 * (nothing is fetched from elsewhere), and the two endpoints it reads: {@code /dashboard/api/state}
 * (the whole state, once) and {@code /dashboard/api/events} (the same state as server-sent events,
 * one per poll interval).
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

    private final Duration interval;

    DashboardController(DashboardAggregator aggregator, DashboardProperties properties) {
        this.aggregator = aggregator;
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
    Mono<DashboardState> state() {
        return Mono.fromSupplier(aggregator::state);
    }

    @GetMapping(path = "/dashboard/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<DashboardState>> events() {
        return Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .map(tick -> ServerSentEvent.builder(aggregator.state()).event("state").build());
    }
}
