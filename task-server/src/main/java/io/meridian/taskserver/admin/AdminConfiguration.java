package io.meridian.taskserver.admin;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminProperties.class)
class AdminConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AdminToken adminToken(AdminProperties properties) {
        return new AdminToken(properties.tokenSha256());
    }

    /** Only when an admin token is configured: without one actuator is as Spring Boot serves it. */
    @Bean
    @ConditionalOnProperty(name = "meridian.admin.token-sha256")
    ActuatorAccessFilter actuatorAccessFilter(AdminToken token, Environment environment) {
        return new ActuatorAccessFilter(environment.getProperty("management.endpoints.web.base-path", "/actuator"), token);
    }
}
