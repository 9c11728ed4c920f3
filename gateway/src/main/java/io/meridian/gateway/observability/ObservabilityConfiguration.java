package io.meridian.gateway.observability;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gateway's request spans and access log; see {@link ObservabilityProperties}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ObservabilityProperties.class)
class ObservabilityConfiguration {

    @Bean
    GatewayTracing gatewayTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new GatewayTracing(tracer.getIfAvailable(() -> Tracer.NOOP),
                propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    @Bean
    TelemetryHandlerDecorator telemetryHandlerDecorator(GatewayTracing tracing, ObservabilityProperties properties) {
        return new TelemetryHandlerDecorator(tracing, properties.access() ? new AccessLog() : null);
    }

    @Bean
    TelemetryExchangeFilter telemetryExchangeFilter() {
        return new TelemetryExchangeFilter();
    }
}
