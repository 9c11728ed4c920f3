package io.meridian.gateway.admin;

import io.meridian.boot.AdminRefusalWriter;
import io.meridian.gateway.error.ErrorResponses;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Actuator's 401 in the gateway's error shape ({@link ErrorResponses}). Actuator's access filter
 * is boot-support's and applies whenever an admin token is configured, dashboard or not.
 */
@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AdminRefusalWriter adminRefusalWriter() {
        return (exchange, reason) -> ErrorResponses.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized", reason,
                HttpHeaders.AUTHORIZATION);
    }
}
