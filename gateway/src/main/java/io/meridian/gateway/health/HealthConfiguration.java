package io.meridian.gateway.health;

import io.meridian.gateway.tls.RegionClientTls;
import io.meridian.region.RegionCatalog;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean
    HealthRegistry healthRegistry(RegionCatalog catalog, HealthProperties properties, Clock clock) {
        return new HealthRegistry(catalog, properties, clock);
    }

    @Bean
    ActiveHealthChecker activeHealthChecker(RegionCatalog catalog, HealthRegistry registry, HealthProperties properties,
            RegionClientTls tls) {
        return new ActiveHealthChecker(catalog, registry, properties, tls);
    }
}
