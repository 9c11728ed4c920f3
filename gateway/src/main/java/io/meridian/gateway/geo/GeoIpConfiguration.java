package io.meridian.gateway.geo;

import io.meridian.geoip.GeoIpDatabase;
import io.meridian.geoip.GeoIpOptions;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class GeoIpConfiguration {

    /** Counter of lookups that failed inside the database (a damaged file). */
    static final String LOOKUP_FAILURES = "meridian.geoip.lookup.failures";

    private static final Logger log = LoggerFactory.getLogger(GeoIpConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    GeoIpDatabase geoIpDatabase(GeoIpProperties properties, Clock clock) {
        GeoIpDatabase database = GeoIpDatabase.open(new GeoIpOptions(properties.database(), properties.cacheSize(),
                properties.reloadInterval(), clock));
        log.info("GeoIP database: {}", database.info());
        return database;
    }

    /**
     * {@value #LOOKUP_FAILURES}: lookups that failed inside the database and were answered as an
     * unknown location (default region). Anything above zero means a damaged database file.
     */
    @Bean
    MeterBinder geoIpMeters(GeoIpDatabase database) {
        return registry -> FunctionCounter.builder(LOOKUP_FAILURES, database, GeoIpDatabase::lookupFailures)
                .description("GeoIP lookups that failed inside the database and answered an unknown location")
                .register(registry);
    }
}
