package io.meridian.taskserver.web;

import io.meridian.taskserver.TaskServerProperties;
import io.netty.channel.ChannelPipeline;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import reactor.netty.NettyPipeline;

/**
 * The error contract, the canonical request path, headers sent twice, the request body limit, the
 * region header and the connection's event loop for what is handed to an answer ({@link ConnectionLoop}).
 *
 * <p>The body limit, {@code meridian.server.max-request-size}, is enforced twice: a declared
 * {@code Content-Length} above it is refused before the body is read ({@link
 * RequestSizeLimitFilter}), and the server codecs, which decode a body whole, refuse to buffer more
 * than it. Leave {@code spring.http.codecs.max-in-memory-size} unset: it would compete for the
 * codec limit.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebFluxConfigurer {

    private final TaskServerProperties server;

    WebConfiguration(TaskServerProperties server) {
        this.server = server;
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize(server.maxRequestBytes());
    }

    @Bean
    @ConditionalOnMissingBean(ErrorWebExceptionHandler.class)
    ApiErrorWebExceptionHandler apiErrorWebExceptionHandler() {
        return new ApiErrorWebExceptionHandler(server.maxRequestBytes());
    }

    /** Every HTTP/1.1 connection asks for its next read after each answer ({@link ReadAfterAnswer}). */
    @Bean
    NettyServerCustomizer readAfterAnswer() {
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(ReadAfterAnswer.NAME) == null) {
                pipeline.addAfter(NettyPipeline.HttpCodec, ReadAfterAnswer.NAME, ReadAfterAnswer.INSTANCE);
            }
        });
    }

    @Bean
    RegionHeaderFilter regionHeaderFilter() {
        return new RegionHeaderFilter(server.region());
    }

    @Bean
    CanonicalPathFilter canonicalPathFilter() {
        return new CanonicalPathFilter();
    }

    @Bean
    SingleValuedHeadersFilter singleValuedHeadersFilter() {
        return new SingleValuedHeadersFilter();
    }

    @Bean
    ProtocolVersionFilter protocolVersionFilter() {
        return new ProtocolVersionFilter();
    }

    @Bean
    ConnectionLoop connectionLoop() {
        return new ConnectionLoop();
    }

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter() {
        return new RequestSizeLimitFilter(server.maxRequestBytes());
    }
}
