package io.meridian.gateway.routing;

import io.meridian.gateway.client.ClientIpResolver;
import io.meridian.gateway.residency.ResidencyPolicy;
import io.meridian.geoip.GeoIpLocator;
import io.meridian.region.ProximityRanking;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Meridian's routes: {@code /process} and {@code /v1/**} go to the nearest region. The route URI
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

    @Bean
    GeoRoutingFilter geoRoutingFilter(ClientIpResolver clientIpResolver, RegionRouter router, ProxyProperties properties,
            RegionCatalog catalog, ResidencyPolicy residency, CountryTraffic countries, RegionDrains drains) {
        return new GeoRoutingFilter(clientIpResolver, router, properties.maxBodySize().toBytes(), new TaskAffinity(catalog),
                residency, countries, drains);
    }

    /**
     * Whether the gateway routes {@code path} (a canonical path) to a region: {@code /process} and
     * everything under {@code /v1/}. The key check and the rate limit cover exactly these paths, by
     * the same comparison; a path pattern here would also take {@code /v1} itself (and, by
     * default, {@code /process/}), which they do not cover.
     */
    static boolean isApiPath(String path) {
        return path.equals("/process") || path.startsWith("/v1/");
    }

    @Bean
    RouteLocator meridianRoutes(RouteLocatorBuilder builder, GeoRoutingFilter geoRoutingFilter) {
        return builder.routes()
                .route(ROUTE_ID, r -> r.predicate(exchange -> isApiPath(exchange.getRequest().getPath().value()))
                        .filters(f -> f.filter(geoRoutingFilter))
                        .uri("http://meridian.regions.invalid"))
                .build();
    }
}
