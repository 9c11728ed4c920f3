package io.meridian.gateway.tenant;

import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedisProperties;
import io.meridian.boot.PeriodicLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import reactor.core.scheduler.Schedulers;

/**
 * Tenants, their ledger and their filter, present only when there is something to check or count:
 * tenants configured, anonymous access off, limits on anonymous requests or on the deployment, or
 * prices. A gateway open to all without limits or prices (the default) pays nothing per request for it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(TenantConfiguration.Active.class)
class TenantConfiguration {

    @Bean
    TenantDirectory tenantDirectory(TenantProperties properties) {
        return new TenantDirectory(properties);
    }

    @Bean(destroyMethod = "")
    UsageLedger usageLedger(TenantProperties properties, SharedRedisProperties redis, ObjectProvider<SharedRedis> shared,
            Clock clock) {
        Duration ttl = properties.reservation().ttl();
        LocalUsageLedger local = new LocalUsageLedger(clock, ttl);
        SharedRedis connection = shared.getIfAvailable();
        if (connection == null) {
            return local;
        }
        return new RedisUsageLedger(connection, local, clock, redis.timeout(), ttl);
    }

    @Bean
    Pricing pricing(PricingProperties properties) {
        return new Pricing(properties);
    }

    @Bean
    SpendCeiling spendCeiling(UsageLedger ledger, PricingProperties pricing, Clock clock,
            ObjectProvider<MeterRegistry> registry) {
        SpendCeiling ceiling = new SpendCeiling(ledger, pricing.ceiling(), clock);
        if (ceiling.enabled()) {
            registry.ifAvailable(r -> ceiling.register(r, pricing.currency()));
        }
        return ceiling;
    }

    /** Samples the deployment's spend for the ceiling, when one is set. */
    @Bean
    PeriodicLifecycle spendCeilingMeasure(SpendCeiling ceiling, PricingProperties pricing) {
        return new PeriodicLifecycle("Spend-rate measure", pricing.ceiling().interval(), Schedulers.parallel(),
                ceiling::measure);
    }

    @Bean
    TenantFilter tenantFilter(TenantDirectory directory, UsageLedger ledger, TenantProperties properties,
            ObjectProvider<MeterRegistry> registry, Clock clock, Pricing pricing, SpendCeiling ceiling) {
        return new TenantFilter(directory, ledger, properties.global(), clock, properties.reservation(),
                new TenantMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), pricing.currency()), pricing,
                ceiling);
    }

    /** Whether the configured tenants and limits ask for any check at all. */
    static final class Active implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Binder binder = Binder.get(context.getEnvironment());
            // Bound as the names they are made of, not as a raw List or Map: a raw list of tenants
            // with nested fields does not bind, and failed start-up with "elements left unbound".
            return !binder.bind("meridian.auth.anonymous", Boolean.class).orElse(true)
                    || binder.bind("meridian.auth.tenants", Bindable.listOf(TenantProperties.TenantSpec.class)).isBound()
                    || binder.bind("meridian.auth.anonymous-limits", TenantProperties.Limits.class).isBound()
                    || binder.bind("meridian.auth.global", TenantProperties.Limits.class).isBound()
                    || binder.bind(PricingProperties.PREFIX + ".models",
                            Bindable.mapOf(String.class, PricingProperties.ModelPrice.class)).isBound()
                    || binder.bind(PricingProperties.PREFIX + ".default-price", PricingProperties.ModelPrice.class).isBound()
                    || binder.bind(PricingProperties.PREFIX + ".ceiling.per-hour", java.math.BigDecimal.class).isBound();
        }
    }
}
