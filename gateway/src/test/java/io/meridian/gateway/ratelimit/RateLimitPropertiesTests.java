package io.meridian.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class RateLimitPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Enable.class);

    @Test
    void clientsAreBucketedByIpv4AddressAndIpv6Slash64ByDefault() {
        runner.run(context -> {
            RateLimitProperties properties = context.getBean(RateLimitProperties.class);
            assertThat(properties.ipv4PrefixLength()).isEqualTo(32);
            assertThat(properties.ipv6PrefixLength()).isEqualTo(64);
        });
    }

    @Test
    void anIpv6PrefixLengthOutsideThirtyTwoToOneHundredTwentyEightStopsStartUpNamingTheProperty() {
        for (String value : new String[] {"31", "129"}) {
            runner.withPropertyValues("meridian.rate-limit.ipv6-prefix-length=" + value).run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause().isInstanceOf(BindValidationException.class)
                        .hasMessageContaining("ipv6PrefixLength");
            });
        }
    }

    @Test
    void anIpv4PrefixLengthAboveThirtyTwoStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("meridian.rate-limit.ipv4-prefix-length=33").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(BindValidationException.class)
                    .hasMessageContaining("ipv4PrefixLength");
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RateLimitProperties.class)
    static class Enable {
    }
}
