package io.meridian.gateway.error;

import io.meridian.gateway.server.ListenerSettings;
import io.netty.channel.ChannelPipeline;
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
        // On a TLS port that offers HTTP/2 too, the HTTP/1.1 handlers come only after ALPN.
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> ListenerSettings.whenProtocolKnown(
                channel.pipeline(), DecodingFailureHandler.NAME + ".alpn", ErrorHandlingConfiguration::addDecodingFailureHandler,
                pipeline -> { }));
    }

    private static void addDecodingFailureHandler(ChannelPipeline pipeline) {
        if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(DecodingFailureHandler.NAME) == null) {
            pipeline.addBefore(NettyPipeline.HttpTrafficHandler, DecodingFailureHandler.NAME, new DecodingFailureHandler());
        }
    }
}
