package io.meridian.gateway.client;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which peers may tell the gateway who the client is.
 *
 * @param trustedProxies      CIDR blocks (or single addresses) of proxies in front of the gateway whose forwarding
 *                            headers are believed; empty (the default) means the socket peer is always the client
 * @param forwardedHeader     the header those proxies write: {@code x-forwarded-for} (default) or {@code forwarded}
 *                            (RFC 7239); the other one is ignored, because a client could have written it
 * @param maxForwardedEntries entries a forwarding header may hold before the request is rejected with 400
 */
@Validated
@ConfigurationProperties(ClientIpProperties.PREFIX)
public record ClientIpProperties(
        @DefaultValue List<String> trustedProxies,
        @DefaultValue("x-forwarded-for") ForwardingHeader forwardedHeader,
        @DefaultValue("64") @Min(1) @Max(10_000) int maxForwardedEntries) {

    public static final String PREFIX = "meridian.client";
}
