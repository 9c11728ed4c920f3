package io.meridian.gateway.client;

import io.meridian.gateway.GatewayConfigException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ClientIpConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ClientIpResolver clientIpResolver(ClientIpProperties properties) {
        List<CidrBlock> blocks = new ArrayList<>();
        List<String> raw = properties.trustedProxies();
        for (int i = 0; i < raw.size(); i++) {
            try {
                blocks.add(CidrBlock.parse(raw.get(i)));
            } catch (IllegalArgumentException ex) {
                throw new GatewayConfigException(ClientIpProperties.PREFIX + ".trusted-proxies[" + i + "]", ex.getMessage());
            }
        }
        return new ClientIpResolver(blocks, properties.forwardedHeader(), properties.maxForwardedEntries());
    }
}
