package io.meridian.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.mock.env.MockEnvironment;
import org.mockito.Mockito;

/** When the tenants' beans are present. */
class TenantConfigurationTests {

    static boolean active(MockEnvironment environment) {
        ConditionContext context = Mockito.mock(ConditionContext.class);
        Mockito.when(context.getEnvironment()).thenReturn(environment);
        return new TenantConfiguration.Active().matches(context, Mockito.mock(org.springframework.core.type.AnnotatedTypeMetadata.class));
    }

    @Test
    void tenantsConfiguredWhileAnonymousAccessIsOnAreActiveAndBind() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("meridian.auth.anonymous", "true")
                .withProperty("meridian.auth.tenants[0].id", "acme")
                .withProperty("meridian.auth.tenants[0].keys-sha256[0]", "a".repeat(64))
                .withProperty("meridian.auth.tenants[0].limits.tokens-per-day", "100");

        assertThat(active(environment)).isTrue();
    }

    @Test
    void anOpenGatewayWithoutLimitsHasNothingToCheck() {
        assertThat(active(new MockEnvironment())).isFalse();
        assertThat(active(new MockEnvironment().withProperty("meridian.auth.global.tokens-per-day", "5"))).isTrue();
        assertThat(active(new MockEnvironment().withProperty("meridian.auth.anonymous-limits.requests-per-minute", "5")))
                .isTrue();
    }

    @Test
    void pricesAloneAreCountedSoEveryAnswersSpendIs() {
        assertThat(active(new MockEnvironment().withProperty("meridian.pricing.models.qwen3.input-per-million", "0.15")))
                .isTrue();
        assertThat(active(new MockEnvironment().withProperty("meridian.pricing.default-price.output-per-million", "1")))
                .isTrue();
        assertThat(active(new MockEnvironment().withProperty("meridian.pricing.currency", "EUR"))).isFalse();
    }

    @Test
    void aSpendCapFinerThanAMicroUnitStopsStartUpNamingTheProperty() {
        TenantProperties.Limits limits = new TenantProperties.Limits(null, null, null, null, null,
                new java.math.BigDecimal("0.0000001"), null);
        TenantProperties properties = new TenantProperties(true, new TenantProperties.Limits(null, null, null, null),
                java.util.List.of(new TenantProperties.TenantSpec("acme", java.util.List.of("a".repeat(64)), java.util.List.of(),
                        limits, null, java.util.List.of(), 0)),
                new TenantProperties.Limits(null, null, null, null),
                new TenantProperties.Reservation(1024, java.util.Map.of(), java.time.Duration.ofMinutes(15),
                        org.springframework.util.unit.DataSize.ofKilobytes(256)));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TenantDirectory(properties))
                .isInstanceOf(io.meridian.gateway.GatewayConfigException.class)
                .hasMessageContaining("meridian.auth.tenants[0].limits.spend-per-day")
                .hasMessageContaining("0.0000001");
    }
}
