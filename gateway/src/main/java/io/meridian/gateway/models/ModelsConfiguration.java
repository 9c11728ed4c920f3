package io.meridian.gateway.models;

import io.meridian.gateway.failover.FailoverProperties;
import io.meridian.gateway.failover.RegionGuards;
import io.meridian.gateway.forwarding.RegionClient;
import io.meridian.gateway.health.HealthRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code GET /v1/models} and {@code GET /api/tags} across regions ({@link ModelsFanOutFilter}). */
@Configuration(proxyBeanMethods = false)
class ModelsConfiguration {

    @Bean
    ModelsFanOutFilter modelsFanOutFilter(RegionClient client, HealthRegistry health, RegionGuards guards,
            ModelsProperties properties, FailoverProperties failover) {
        return new ModelsFanOutFilter(client, health, guards, properties.timeout(), failover.retryAfter().toSeconds());
    }
}
