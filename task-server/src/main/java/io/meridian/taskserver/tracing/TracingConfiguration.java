package io.meridian.taskserver.tracing;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@link TaskTracing} over whatever tracer Spring Boot configured (none: {@link TaskTracing#NONE}). */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    @Bean
    TaskTracing taskTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator,
            ObjectProvider<ObservationRegistry> registry) {
        Tracer available = tracer.getIfAvailable(() -> Tracer.NOOP);
        if (available == Tracer.NOOP) {
            return TaskTracing.NONE;
        }
        return new TaskTracing(available, propagator.getIfAvailable(() -> Propagator.NOOP),
                registry.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /**
     * Spring Boot's span processors, without its batch processor while no span exporter is
     * configured: a sampled span is then not queued, and a thread woken, for nobody.
     */
    @Bean
    SpanProcessors spanProcessors(ObjectProvider<SpanProcessor> processors, SpanExporters exporters) {
        boolean exporting = !exporters.list().isEmpty();
        return SpanProcessors.of(processors.orderedStream()
                .filter(processor -> exporting || !(processor instanceof BatchSpanProcessor))
                .toList());
    }
}
