package io.meridian.taskserver;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans every feature of the task server shares: its identity and its clock. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TaskServerProperties.class)
class TaskServerConfiguration {

    /**
     * The clock of task times, retry back-off, task timeouts, autoscaling and expiry; tests replace
     * it to control time.
     */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
