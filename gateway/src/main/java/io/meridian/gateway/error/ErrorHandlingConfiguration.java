package io.meridian.gateway.error;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

@Configuration(proxyBeanMethods = false)
class ErrorHandlingConfiguration {

    /** JSON answers for requests that fail HTTP decoding, before any Spring code sees them. */
    @Bean
    NettyServerCustomizer decodingFailuresAsJson() {
        // On channel init, after Reactor Netty has installed its HTTP handlers: a request that
        // fails decoding never reaches the per-request connection callbacks.
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            var pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(DecodingFailureHandler.NAME) == null) {
                pipeline.addBefore(NettyPipeline.HttpTrafficHandler, DecodingFailureHandler.NAME, new DecodingFailureHandler());
            }
        });
    }
}
