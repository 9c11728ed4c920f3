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
}
