package io.meridian.gateway;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gateway's one clock. */
@Configuration(proxyBeanMethods = false)
class ClockConfiguration {

    /**
     * The clock of health windows, usage windows and reservations, rate-limit buckets, GeoIP
     * reloads and the dashboard's history; tests replace it to control time.
     */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
