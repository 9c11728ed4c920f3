package io.meridian.gateway.routing;

import io.meridian.boot.PeriodicLifecycle;
import io.meridian.gateway.client.ClientIpResolver;
import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedisConfiguration;
import io.meridian.gateway.redis.SharedRedisProperties;
import io.meridian.gateway.residency.ResidencyPolicy;
import io.meridian.geoip.GeoIpLocator;
import io.meridian.region.ProximityRanking;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.Gauge;
import io.meridian.protocol.OllamaErrors;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Schedulers;

/**
 * Meridian's routes: {@code /process}, {@code /v1/**} and Ollama's chat, generate and tags
 * ({@link ApiPaths}) go to the nearest region; {@code GET /api/version} the gateway answers. The route URI
 * is a placeholder that {@link GeoRoutingFilter} always replaces. Routes match the canonical path
 * ({@link io.meridian.gateway.path.CanonicalPathFilter}).
 */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

    static final String ROUTE_ID = "meridian-regions";

    /** 1 while an operator has drained the region (it gets no new work), else 0. */
    static final String DRAINED = "meridian.region.drained";

    @Bean
    @ConditionalOnMissingBean
    RegionRouter regionRouter(GeoIpLocator locator, ProximityRanking ranking, ProxyProperties properties) {
        return new RegionRouter(locator, ranking, properties.rankingCacheSize());
    }

    @Bean
    @ConditionalOnMissingBean
    CountryTraffic countryTraffic() {
        return CountryTraffic.bundled();
    }

    @Bean
    @ConditionalOnMissingBean
    RegionDrains regionDrains(RegionCatalog catalog, MeterRegistry meters) {
        RegionDrains drains = new RegionDrains(catalog);
        for (Region region : catalog.regions()) {
            Gauge.builder(DRAINED, drains, d -> d.gauge(region.id())).tag("region", region.id()).register(meters);
        }
        return drains;
    }

    /** With a shared Redis, drains hold on every gateway. */
    @Bean
    @Conditional(SharedRedisConfiguration.RedisConfigured.class)
    SharedDrains sharedDrains(SharedRedis redis, RegionDrains drains, SharedRedisProperties properties) {
        return new SharedDrains(redis, drains, properties.timeout());
    }

    @Bean
    @Conditional(SharedRedisConfiguration.RedisConfigured.class)
    PeriodicLifecycle sharedDrainsRefresh(SharedDrains drains) {
        return new PeriodicLifecycle("Shared drains refresh", SharedDrains.REFRESH_EVERY, Schedulers.parallel(),
                drains::refresh);
    }

    @Bean
    GeoRoutingFilter geoRoutingFilter(ClientIpResolver clientIpResolver, RegionRouter router, ProxyProperties properties,
            RegionCatalog catalog, ResidencyPolicy residency, CountryTraffic countries, RegionDrains drains) {
        return new GeoRoutingFilter(clientIpResolver, router, properties.maxBodySize().toBytes(), new TaskAffinity(catalog),
                residency, countries, drains);
    }

    /** {@code GET /api/version}: the Ollama API version Meridian speaks, the same a region reports. */
    @Bean
    RouterFunction<ServerResponse> ollamaVersionRoute() {
        return RouterFunctions.route().GET(ApiPaths.OLLAMA_VERSION, request -> ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"version\":\"" + OllamaErrors.API_VERSION + "\"}")).build();
    }

    /** Meridian's route handed to its filters without WebFlux's dispatch (see the class). */
    @Bean
    DirectRouteFilter directRouteFilter(RouteLocator routes, FilteringWebHandler filteringWebHandler,
            Environment environment) {
        return new DirectRouteFilter(routes, filteringWebHandler, environment);
    }

    @Bean
    RouteLocator meridianRoutes(RouteLocatorBuilder builder, GeoRoutingFilter geoRoutingFilter) {
        return builder.routes()
                .route(ROUTE_ID, r -> r.predicate(exchange -> ApiPaths.isRouted(exchange.getRequest().getPath().value()))
                        .filters(f -> f.filter(geoRoutingFilter))
                        .uri("http://meridian.regions.invalid"))
                .build();
    }
}
