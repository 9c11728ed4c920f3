package io.meridian.gateway.path;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The canonical request path, always on: there is no safe way to run the gateway without it. */
@Configuration(proxyBeanMethods = false)
class PathConfiguration {

    @Bean
    CanonicalPathFilter canonicalPathFilter() {
        return new CanonicalPathFilter();
    }
}
