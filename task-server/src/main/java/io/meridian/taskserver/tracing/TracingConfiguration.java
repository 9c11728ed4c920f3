package io.meridian.taskserver.tracing;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link TaskTracing} over whatever tracer Spring Boot configured (none: {@link TaskTracing#NONE}).
 * The span processors, without a batch processor while nothing exports, come from boot-support.
 */
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
}
