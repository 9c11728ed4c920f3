package io.meridian.boot;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Actuator behind the admin token ({@link ActuatorAccessFilter}), only when a token is configured:
 * without one actuator is as Spring Boot serves it. The 401 is written by the application's
 * {@link AdminRefusalWriter}.
 */
@AutoConfiguration(after = AdminCredentialAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnProperty(name = AdminCredential.PROPERTY)
public class ActuatorAccessAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ActuatorAccessFilter actuatorAccessFilter(AdminCredential credential, ObjectProvider<AdminRefusalWriter> refusal,
            Environment environment) {
        return new ActuatorAccessFilter(environment.getProperty("management.endpoints.web.base-path", "/actuator"),
                credential, refusal.getIfAvailable(() -> AdminRefusalWriter.STATUS_ONLY));
    }
}
