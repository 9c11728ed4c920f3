package io.meridian.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The admin token ({@value AdminCredential#PROPERTY}), one bean for every check of it. */
@AutoConfiguration
@EnableConfigurationProperties(AdminProperties.class)
public class AdminCredentialAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AdminCredential adminCredential(AdminProperties properties) {
        return new AdminCredential(properties.tokenSha256());
    }
}
