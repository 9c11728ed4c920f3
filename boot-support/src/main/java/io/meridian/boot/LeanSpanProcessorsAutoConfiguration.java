package io.meridian.boot;

import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot's span processors, without its batch processor while no span exporter is
 * configured: a sampled span is then not queued, and a thread woken, for nobody. Before Boot's
 * tracing configuration, whose own {@code SpanProcessors} then backs off.
 */
@AutoConfiguration(before = OpenTelemetryTracingAutoConfiguration.class)
@ConditionalOnClass({SpanProcessors.class, BatchSpanProcessor.class})
public class LeanSpanProcessorsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SpanProcessors spanProcessors(ObjectProvider<SpanProcessor> processors, ObjectProvider<SpanExporters> exporters) {
        SpanExporters configured = exporters.getIfAvailable();
        boolean exporting = configured != null && !configured.list().isEmpty();
        return SpanProcessors.of(processors.orderedStream()
                .filter(processor -> exporting || !(processor instanceof BatchSpanProcessor))
                .toList());
    }
}
