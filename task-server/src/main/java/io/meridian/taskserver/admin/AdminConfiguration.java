package io.meridian.taskserver.admin;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminProperties.class)
class AdminConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AdminToken adminToken(AdminProperties properties) {
        return new AdminToken(properties.tokenSha256());
    }
}
