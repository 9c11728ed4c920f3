package io.meridian.gateway.residency;

import io.meridian.gateway.GatewayConfigException;
import io.meridian.region.RegionCatalog;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ResidencyConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ResidencyPolicy residencyPolicy(RegionCatalog catalog, ResidencyProperties properties) {
        try {
            return new ResidencyPolicy(catalog.zones(), properties.countries(), properties.headerEnabled());
        } catch (IllegalArgumentException ex) {
            throw new GatewayConfigException(ResidencyProperties.PREFIX + ".countries", ex.getMessage());
        }
    }
}
