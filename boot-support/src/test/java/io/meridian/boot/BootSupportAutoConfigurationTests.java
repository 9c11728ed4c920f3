package io.meridian.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** What the auto-configuration adds to an application, and that each bean backs off for the application's own. */
class BootSupportAutoConfigurationTests {

    static final String TOKEN = "an-admin-token";
    static final String HASH_PROPERTY = AdminCredential.PROPERTY + "=" + AdminCredential.hash(TOKEN);

    final ReactiveWebApplicationContextRunner web = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AdminCredentialAutoConfiguration.class,
                    ActuatorAccessAutoConfiguration.class));

    @Test
    void theAdminCredentialChecksTheConfiguredHash() {
        web.withPropertyValues(HASH_PROPERTY).run(context ->
                assertThat(context.getBean(AdminCredential.class).accepts("Bearer " + TOKEN)).isTrue());
    }

    @Test
    void withoutAHashThereIsACredentialThatRefusesEverythingAndNoActuatorFilter() {
        web.run(context -> {
            assertThat(context.getBean(AdminCredential.class).accepts("Bearer " + TOKEN)).isFalse();
            assertThat(context).doesNotHaveBean(ActuatorAccessFilter.class);
        });
    }

    @Test
    void aMalformedHashStopsStartUpNamingTheProperty() {
        web.withPropertyValues(AdminCredential.PROPERTY + "=not-a-hash").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                    "meridian.admin.token-sha256 must be the SHA-256 of the admin token as 64 hex digits, but was 10 characters long");
        });
    }

    @Test
    void anApplicationsOwnCredentialReplacesTheConfiguredOne() {
        web.withPropertyValues(HASH_PROPERTY)
                .withBean(AdminCredential.class, () -> new AdminCredential(AdminCredential.hash("its-own")))
                .run(context -> assertThat(context.getBean(AdminCredential.class).accepts("Bearer its-own")).isTrue());
    }

    @Test
    void withAHashActuatorIsGuardedAndTheRefusalIsWrittenByTheApplicationsWriter() {
        web.withPropertyValues(HASH_PROPERTY, "management.endpoints.web.base-path=/manage")
                .withBean(AdminRefusalWriter.class, () -> (exchange, reason) -> {
                    exchange.getResponse().setRawStatusCode(499);
                    return exchange.getResponse().setComplete();
                })
                .run(context -> {
                    ActuatorAccessFilter filter = context.getBean(ActuatorAccessFilter.class);
                    MockServerWebExchange guarded = MockServerWebExchange.from(MockServerHttpRequest.get("/manage/env"));
                    filter.filter(guarded, served -> Mono.error(new AssertionError("must not be served"))).block();
                    assertThat(guarded.getResponse().getStatusCode().value()).isEqualTo(499);

                    MockServerWebExchange outside = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/env"));
                    filter.filter(outside, served -> Mono.empty()).block();
                    assertThat(outside.getResponse().getStatusCode()).isNull();
                });
    }

    @Test
    void anApplicationsOwnActuatorFilterReplacesTheConfiguredOne() {
        ActuatorAccessFilter own = new ActuatorAccessFilter("/x", new AdminCredential(null), AdminRefusalWriter.STATUS_ONLY);
        web.withPropertyValues(HASH_PROPERTY).withBean(ActuatorAccessFilter.class, () -> own)
                .run(context -> assertThat(context.getBean(ActuatorAccessFilter.class)).isSameAs(own));
    }

    @Test
    void anApplicationThatIsNotReactiveGetsNoActuatorFilter() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AdminCredentialAutoConfiguration.class,
                        ActuatorAccessAutoConfiguration.class))
                .withPropertyValues(HASH_PROPERTY)
                .run(context -> {
                    assertThat(context).hasSingleBean(AdminCredential.class);
                    assertThat(context).doesNotHaveBean(ActuatorAccessFilter.class);
                });
    }

    final ApplicationContextRunner tracing = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OpenTelemetrySdkAutoConfiguration.class,
                    OpenTelemetryTracingAutoConfiguration.class, LeanSpanProcessorsAutoConfiguration.class));

    static List<SpanProcessor> processors(SpanProcessors processors) {
        List<SpanProcessor> list = new ArrayList<>();
        processors.forEach(list::add);
        return list;
    }

    @Test
    void withNoSpanExporterBootsBatchProcessorIsLeftOutAndTheOthersKept() {
        tracing.withUserConfiguration(OwnProcessor.class).run(context -> {
            assertThat(context).hasSingleBean(SpanProcessors.class);
            assertThat(context).hasSingleBean(BatchSpanProcessor.class);
            assertThat(processors(context.getBean(SpanProcessors.class)))
                    .containsExactly(context.getBean("ownProcessor", SpanProcessor.class));
        });
    }

    @Test
    void withASpanExporterBootsBatchProcessorStays() {
        tracing.withUserConfiguration(OwnProcessor.class, Exporting.class).run(context ->
                assertThat(processors(context.getBean(SpanProcessors.class)))
                        .containsExactlyInAnyOrder(context.getBean(BatchSpanProcessor.class),
                                context.getBean("ownProcessor", SpanProcessor.class)));
    }

    @Test
    void anApplicationsOwnSpanProcessorsReplaceTheLeanOnes() {
        SpanProcessors own = SpanProcessors.of(List.of());
        tracing.withBean(SpanProcessors.class, () -> own)
                .run(context -> assertThat(context.getBean(SpanProcessors.class)).isSameAs(own));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnProcessor {

        @Bean
        SpanProcessor ownProcessor() {
            return SimpleSpanProcessor.create(new NoExport());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Exporting {

        @Bean
        SpanExporter exporter() {
            return new NoExport();
        }
    }

    static final class NoExport implements SpanExporter {

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
