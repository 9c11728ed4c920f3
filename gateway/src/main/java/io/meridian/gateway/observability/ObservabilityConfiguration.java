package io.meridian.gateway.observability;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The gateway's request spans and access log; see {@link ObservabilityProperties}. The span
 * processors, without a batch processor while nothing exports, come from boot-support.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ObservabilityProperties.class)
class ObservabilityConfiguration {

    private static final String STRUCTURED_FORMAT = "logging.structured.format.console";

    @Bean
    GatewayTracing gatewayTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new GatewayTracing(tracer.getIfAvailable(() -> Tracer.NOOP),
                propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    /** Replaces Spring Boot's, which reads only the tracer's current span (see {@link ExemplarSpanContext}). */
    @Bean
    @ConditionalOnClass(name = "io.prometheus.metrics.tracer.common.SpanContext")
    ExemplarSpanContext exemplarSpanContext(ObjectProvider<Tracer> tracer) {
        return new ExemplarSpanContext(tracer.getIfAvailable(() -> Tracer.NOOP));
    }

    @Bean
    TelemetryHandlerDecorator telemetryHandlerDecorator(GatewayTracing tracing, ObservabilityProperties properties,
            ObjectProvider<AccessLogWriter> writer, Environment environment) {
        AccessLog accessLog = null;
        if (properties.access()) {
            accessLog = new AccessLog(AccessLog.Format.of(environment.getProperty(STRUCTURED_FORMAT)),
                    environment.getProperty("spring.application.name", "meridian-gateway"), writer.getIfAvailable());
        }
        return new TelemetryHandlerDecorator(tracing, accessLog);
    }

    @Bean
    TelemetryExchangeFilter telemetryExchangeFilter() {
        return new TelemetryExchangeFilter();
    }

    /** The access log's buffered output, unless another structured format sends it through Logback. */
    @Bean(destroyMethod = "close")
    @Nullable AccessLogWriter accessLogWriter(ObservabilityProperties properties, Environment environment) {
        if (AccessLog.Format.of(environment.getProperty(STRUCTURED_FORMAT)) == AccessLog.Format.LOGBACK) {
            return null;
        }
        return new AccessLogWriter(properties.accessFlushInterval());
    }
}
