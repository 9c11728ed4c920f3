package io.meridian.taskserver.admin;

import io.meridian.boot.AdminCredential;
import io.meridian.boot.AdminRefusalWriter;
import io.meridian.taskserver.web.ApiError;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin token's task-server side. The credential and actuator's access filter come from
 * boot-support ({@code io.meridian.boot}); this adds the API's view of the token and the 401
 * actuator answers with, in the {@link ApiError} shape.
 */
@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AdminToken adminToken(AdminCredential credential) {
        return new AdminToken(credential);
    }

    /** Written here, not raised: the management port has no {@code ApiErrorWebExceptionHandler}. */
    @Bean
    @ConditionalOnMissingBean
    AdminRefusalWriter adminRefusalWriter(JsonMapper json) {
        return (exchange, reason) -> {
            ServerHttpResponse response = exchange.getResponse();
            byte[] body = json.writeValueAsBytes(new ApiError("unauthorized", reason, "Authorization",
                    HttpStatus.UNAUTHORIZED.value()));
            response.setStatusCode(HttpStatus.UNAUTHORIZED);
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            response.getHeaders().setContentLength(body.length);
            return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
        };
    }
}
