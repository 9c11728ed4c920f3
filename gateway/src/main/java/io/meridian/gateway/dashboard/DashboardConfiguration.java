package io.meridian.gateway.dashboard;

import io.meridian.gateway.failover.RegionGuards;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.routing.CountryTraffic;
import io.meridian.gateway.routing.RegionDrains;
import io.meridian.gateway.tls.RegionClientTls;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The dashboard, on unless {@code meridian.dashboard.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = DashboardProperties.PREFIX, name = "enabled", matchIfMissing = true)
class DashboardConfiguration {

    @Bean
    DashboardAggregator dashboardAggregator(RegionCatalog catalog, HealthRegistry health, RegionGuards guards,
            MeterRegistry meters, CountryTraffic countries, RegionDrains drains, DashboardProperties properties,
            RegionClientTls tls) {
        return new DashboardAggregator(catalog, health, guards, new RegionMeters(meters), countries, drains,
                properties, Clock.systemUTC(), tls);
    }

    @Bean
    AdminCredential dashboardAdminCredential(Environment environment) {
        return new AdminCredential(environment.getProperty(AdminCredential.PROPERTY));
    }

    /** Only when an admin token is configured: without one actuator is as Spring Boot serves it. */
    @Bean
    @ConditionalOnProperty(name = AdminCredential.PROPERTY)
    ActuatorAccessFilter actuatorAccessFilter(AdminCredential credential, Environment environment) {
        return new ActuatorAccessFilter(environment.getProperty("management.endpoints.web.base-path", "/actuator"), credential);
    }
}
