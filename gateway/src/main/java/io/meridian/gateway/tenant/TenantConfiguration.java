package io.meridian.gateway.tenant;

import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Tenants, their ledger and their filter, present only when there is something to check: tenants
 * configured, anonymous access off, or limits on anonymous requests or on the deployment. A gateway
 * open to all without limits (the default) pays nothing per request for it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(TenantConfiguration.Active.class)
class TenantConfiguration {

    @Bean
    TenantDirectory tenantDirectory(TenantProperties properties) {
        return new TenantDirectory(properties);
    }

    @Bean(destroyMethod = "")
    UsageLedger usageLedger(TenantProperties properties) {
        LocalUsageLedger local = new LocalUsageLedger(Clock.systemUTC());
        if (properties.redisUrl().isBlank()) {
            return local;
        }
        return new RedisUsageLedger(properties.redisUrl(), local, Clock.systemUTC(), Duration.ofMillis(250));
    }

    @Bean
    TenantFilter tenantFilter(TenantDirectory directory, UsageLedger ledger, TenantProperties properties) {
        return new TenantFilter(directory, ledger, properties.global(), Clock.systemUTC());
    }

    /** Whether the configured tenants and limits ask for any check at all. */
    static final class Active implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Binder binder = Binder.get(context.getEnvironment());
            return !binder.bind("meridian.auth.anonymous", Boolean.class).orElse(true)
                    || binder.bind("meridian.auth.tenants", java.util.List.class).isBound()
                    || binder.bind("meridian.auth.anonymous-limits", java.util.Map.class).isBound()
                    || binder.bind("meridian.auth.global", java.util.Map.class).isBound();
        }
    }
}
