package io.meridian.boot;

import java.util.List;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The management port's server gets the server port's {@link NettyServerCustomizer} beans, in their
 * order: its connection limits, request guards and read re-arm are the same as the server port's.
 *
 * <p>Risk this removes: a management port of its own ({@code management.server.port}) is served by
 * a child context, whose web server factory is a bare {@link NettyReactiveWebServerFactory} that
 * none of the application's customizers reach. Without this, that port took obs-folded headers, had
 * no header or idle timeouts and no connection limit, and lacked the read re-armed after each
 * answer, so a kept-alive scraper's next request could stall there (Reactor Netty issue 4361).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnClass(NettyReactiveWebServerFactory.class)
public class ManagementServerCustomizers {

    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> serverPortCustomizers(ApplicationContext management) {
        ApplicationContext main = management.getParent();
        List<NettyServerCustomizer> all = main == null ? List.of()
                : main.getBeanProvider(NettyServerCustomizer.class).orderedStream().toList();
        return factory -> factory.addServerCustomizers(all.toArray(NettyServerCustomizer[]::new));
    }
}
