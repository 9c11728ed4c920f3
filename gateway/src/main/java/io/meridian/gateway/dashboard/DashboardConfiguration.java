package io.meridian.gateway.dashboard;

import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedisProperties;
import org.springframework.beans.factory.ObjectProvider;
import io.meridian.boot.AdminCredential;
import io.meridian.boot.PeriodicLifecycle;
import io.meridian.gateway.failover.RegionGuards;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.routing.CountryTraffic;
import io.meridian.gateway.routing.RegionDrains;
import io.meridian.gateway.tenant.Pricing;
import io.meridian.gateway.tenant.PricingProperties;
import io.meridian.gateway.tenant.SpendCeiling;
import io.meridian.gateway.tls.RegionClientTls;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;

/**
 * The dashboard, on unless {@code meridian.dashboard.enabled=false}. Its control actions check the
 * admin token ({@link AdminCredential}, from boot-support).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = DashboardProperties.PREFIX, name = "enabled", matchIfMissing = true)
class DashboardConfiguration {

    @Bean
    DashboardAggregator dashboardAggregator(RegionCatalog catalog, HealthRegistry health, RegionGuards guards,
            MeterRegistry meters, CountryTraffic countries, RegionDrains drains, DashboardProperties properties,
            Clock clock, RegionClientTls tls, ObjectProvider<SharedRedis> redis, SharedRedisProperties redisProperties,
            ObjectProvider<SpendCeiling> ceilings, PricingProperties pricing) {
        SharedRedis shared = redis.getIfAvailable();
        SpendCeiling ceiling = ceilings.getIfAvailable();
        return new DashboardAggregator(catalog, health, guards, new RegionMeters(meters), countries, drains,
                properties, clock, tls, shared == null ? null : new SharedTotals(shared, redisProperties.timeout()),
                ceiling == null ? null : () -> ceiling.ceilingPerHour() < 0 ? null
                        : new DashboardState.Spend(pricing.currency(), Pricing.amount(ceiling.ratePerHour()),
                                Pricing.amount(ceiling.ceilingPerHour()),
                                ceiling.state().name().toLowerCase(java.util.Locale.ROOT), ceiling.shared()));
    }

    /** The first poll after one interval, like the health checks: the regions start alongside. */
    @Bean
    PeriodicLifecycle dashboardPolls(DashboardAggregator aggregator, DashboardProperties properties) {
        return new PeriodicLifecycle("Dashboard poll", properties.pollInterval(), Schedulers.parallel(),
                aggregator::pollOnce);
    }
}
