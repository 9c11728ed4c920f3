package io.meridian.plaingateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A stock Spring Cloud Gateway: its one route comes from
 * {@code spring.cloud.gateway.server.webflux.routes} (see {@code application.properties}), every
 * setting is Spring Boot's and Spring Cloud Gateway's default. The proxy-overhead benchmark
 * ({@code load-tests/bin/proxy-overhead}) runs it as the baseline Meridian's gateway must match;
 * nothing may be added here that a plain gateway would not have.
 */
@SpringBootApplication
public class PlainGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(PlainGatewayApplication.class, args);
    }
}
