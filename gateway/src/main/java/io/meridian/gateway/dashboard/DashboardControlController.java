package io.meridian.gateway.dashboard;

import org.springframework.beans.factory.ObjectProvider;
import io.meridian.boot.AdminCredential;
import io.meridian.gateway.error.ErrorResponses;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.routing.RegionDrains;
import io.meridian.gateway.routing.SharedDrains;
import io.meridian.gateway.tls.RegionClientTls;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The dashboard's control actions, each behind the admin bearer token:
 * <ul>
 * <li>{@code POST /dashboard/api/regions/{region}/queues/{queue}/pause} and {@code .../resume},
 * {@code PUT .../workers} with {@code {"min":2,"max":8}}: passed on, with the caller's token, to
 * the region's admin API (which checks the token again);</li>
 * <li>{@code DELETE /dashboard/api/tasks/{id}}: cancels the task in the region its id names;</li>
 * <li>{@code POST /dashboard/api/regions/{region}/drain} and {@code .../undrain}: this gateway
 * stops (or resumes) sending the region new work.</li>
 * </ul>
 * Every answer is JSON: 401 without a valid token, 404 for an unknown region (or queue, as the
 * region says), 400 for bad sizes, 502 when the region cannot be reached.
 */
@RestController
@ConditionalOnProperty(prefix = DashboardProperties.PREFIX, name = "enabled", matchIfMissing = true)
class DashboardControlController {

    private static final String API = "/dashboard/api";

    private final RegionCatalog catalog;
    private final HealthRegistry health;
    private final RegionDrains drains;
    private final ObjectProvider<SharedDrains> sharedDrains;
    private final AdminCredential credential;
    private final WebClient client;
    private final Duration timeout;

    DashboardControlController(RegionCatalog catalog, HealthRegistry health, RegionDrains drains,
            ObjectProvider<SharedDrains> sharedDrains, AdminCredential credential, DashboardProperties properties,
            RegionClientTls tls) {
        this.catalog = catalog;
        this.health = health;
        this.drains = drains;
        this.sharedDrains = sharedDrains;
        this.credential = credential;
        this.client = WebClient.builder().clientConnector(tls.connector(HttpClient.create())).build();
        this.timeout = properties.timeout().multipliedBy(4);
    }

    @PostMapping(API + "/regions/{region}/queues/{queue}/{action:pause|resume}")
    Mono<ResponseEntity<String>> pauseOrResume(@PathVariable String region, @PathVariable String queue,
            @PathVariable String action,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        return guarded(authorization, () -> region(region).map(target -> forward(target, HttpMethod.POST,
                "/v1/admin/queues/" + queue + "/" + action, authorization, null)));
    }

    @PutMapping(API + "/regions/{region}/queues/{queue}/workers")
    Mono<ResponseEntity<String>> resize(@PathVariable String region, @PathVariable String queue,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @RequestBody(required = false) @Nullable WorkerBounds bounds) {
        return guarded(authorization, () -> {
            String problem = bounds == null ? "min" : bounds.problem();
            if (problem != null) {
                String field = problem.startsWith("max") ? "max" : "min";
                return Optional.of(Mono.just(error(HttpStatus.BAD_REQUEST, "invalid_workers",
                        bounds == null ? "a body {\"min\": 2, \"max\": 8} is required" : problem, field)));
            }
            return region(region).map(target -> forward(target, HttpMethod.PUT,
                    "/v1/admin/queues/" + queue + "/workers", authorization,
                    "{\"min\":" + bounds.min() + ",\"max\":" + bounds.max() + "}"));
        });
    }

    @DeleteMapping(API + "/tasks/{id}")
    Mono<ResponseEntity<String>> cancel(@PathVariable String id,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        return guarded(authorization, () -> {
            int dot = id.indexOf('.');
            if (dot <= 0) {
                return Optional.of(Mono.just(error(HttpStatus.BAD_REQUEST, "invalid_task_id",
                        "task id '" + id + "' is not of the form <region>.<id>", "id")));
            }
            return region(id.substring(0, dot)).map(target -> forward(target, HttpMethod.DELETE, "/v1/tasks/" + id,
                    authorization, null));
        });
    }

    @PostMapping(API + "/regions/{region}/{action:drain|undrain}")
    Mono<ResponseEntity<String>> drain(@PathVariable String region, @PathVariable String action,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        return guarded(authorization, () -> {
            boolean drained = action.equals("drain");
            if (!drains.isKnown(region)) {
                return Optional.empty();
            }
            SharedDrains everywhere = sharedDrains.getIfAvailable();
            if (everywhere == null) {
                drains.set(region, drained);
                return Optional.of(Mono.just(drainAnswer(region, drained, false)));
            }
            return Optional.of(everywhere.set(region, drained).map(shared -> shared
                    ? drainAnswer(region, drained, true)
                    : error(HttpStatus.SERVICE_UNAVAILABLE, "drain_not_shared", "region '" + region + "' was not "
                            + (drained ? "drained" : "undrained") + ": the gateways' Redis (meridian.redis.url) is "
                            + "unreachable, and a drain that only this gateway obeyed would not hold; nothing changed, "
                            + "try again once Redis answers", "region")));
        }, region);
    }

    private static ResponseEntity<String> drainAnswer(String region, boolean drained, boolean shared) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body("{\"region\":\"" + region + "\",\"drained\":" + drained + ",\"shared\":" + shared + "}");
    }

    private Mono<ResponseEntity<String>> guarded(@Nullable String authorization,
            java.util.function.Supplier<Optional<Mono<ResponseEntity<String>>>> action) {
        return guarded(authorization, action, null);
    }

    /** Refuses without the token; an empty action result means the region is unknown. */
    private Mono<ResponseEntity<String>> guarded(@Nullable String authorization,
            java.util.function.Supplier<Optional<Mono<ResponseEntity<String>>>> action, @Nullable String regionId) {
        String refusal = credential.refusal(authorization);
        if (refusal != null) {
            return Mono.just(error(HttpStatus.UNAUTHORIZED, "unauthorized", refusal, "Authorization"));
        }
        return action.get().orElseGet(() -> Mono.just(error(HttpStatus.NOT_FOUND, "unknown_region",
                "this gateway serves no region" + (regionId == null ? " of that name" : " named '" + regionId + "'"),
                "region")));
    }

    private Optional<Region> region(String id) {
        return catalog.regions().stream().filter(region -> region.id().equals(id)).findFirst();
    }

    private Mono<ResponseEntity<String>> forward(Region region, HttpMethod method, String path,
            @Nullable String authorization, @Nullable String json) {
        URI endpoint = region.endpoints().stream().filter(health::isHealthy).findFirst()
                .orElse(region.primaryEndpoint());
        WebClient.RequestBodySpec request = client.method(method).uri(URI.create(endpoint + path));
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        if (json != null) {
            request.contentType(MediaType.APPLICATION_JSON).bodyValue(json);
        }
        return request.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(body -> ResponseEntity.status(response.statusCode())
                                .contentType(MediaType.APPLICATION_JSON).body(body)))
                .timeout(timeout)
                .onErrorResume(failure -> Mono.just(error(HttpStatus.BAD_GATEWAY, "region_unreachable",
                        "region '" + region.id() + "' did not answer: " + failure.getClass().getSimpleName(), "region")));
    }

    private static ResponseEntity<String> error(HttpStatus status, String code, String message, String field) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(ErrorResponses.json(status.value(), code, message, field));
    }

    /**
     * New pool bounds.
     *
     * @param min fewest workers, at least 1
     * @param max most workers, at least min
     */
    record WorkerBounds(@Nullable Integer min, @Nullable Integer max) {

        @Nullable String problem() {
            if (min == null) {
                return "min is required: {\"min\": 2, \"max\": 8}";
            }
            if (max == null) {
                return "max is required: {\"min\": 2, \"max\": 8}";
            }
            if (min < 1) {
                return "min must be at least 1, but was " + min;
            }
            if (max < min) {
                return "max must be at least min (" + min + "), but was " + max;
            }
            return null;
        }
    }
}
