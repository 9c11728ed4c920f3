package io.meridian.gateway.geo;

import io.meridian.geoip.GeoIpDatabase;
import io.meridian.geoip.GeoIpOptions;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class GeoIpConfiguration {

    private static final Logger log = LoggerFactory.getLogger(GeoIpConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    GeoIpDatabase geoIpDatabase(GeoIpProperties properties) {
        GeoIpDatabase database = GeoIpDatabase.open(new GeoIpOptions(properties.database(), properties.cacheSize(),
                properties.reloadInterval(), Clock.systemUTC()));
        log.info("GeoIP database: {}", database.info());
        return database;
    }
}
