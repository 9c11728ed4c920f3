package io.meridian.gateway.health;

import io.meridian.boot.PeriodicLifecycle;
import io.meridian.gateway.tls.RegionClientTls;
import io.meridian.region.RegionCatalog;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import reactor.core.scheduler.Schedulers;

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

    /**
     * The check rounds, the first one interval after start (the regions usually start alongside);
     * none when checks are off or the interval is {@code 0s}.
     */
    @Bean
    @Conditional(ChecksScheduled.class)
    PeriodicLifecycle healthChecks(ActiveHealthChecker checker, HealthProperties properties) {
        return new PeriodicLifecycle("Health check", properties.interval(), Schedulers.parallel(), checker::checkAll);
    }

    /** Whether {@code meridian.health.enabled} is on and {@code meridian.health.interval} is not zero. */
    static final class ChecksScheduled extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Binder binder = Binder.get(context.getEnvironment());
            boolean enabled = binder.bind(HealthProperties.PREFIX + ".enabled", Boolean.class).orElse(true);
            Duration interval = binder.bind(HealthProperties.PREFIX + ".interval", Duration.class)
                    .orElse(Duration.ofSeconds(1));
            if (!enabled) {
                return ConditionOutcome.noMatch(HealthProperties.PREFIX + ".enabled is false");
            }
            return interval.isZero() ? ConditionOutcome.noMatch(HealthProperties.PREFIX + ".interval is 0s")
                    : ConditionOutcome.match(HealthProperties.PREFIX + ".interval is " + interval);
        }
    }
}
