package io.meridian.boot;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin credential ({@value #PREFIX}.*), the same in the gateway and the task servers.
 *
 * @param tokenSha256 the SHA-256 of the admin bearer token, 64 hex digits; the token itself is
 *                    never configured, so a leaked configuration does not grant admin access.
 *                    Unset: every admin call is refused and actuator is as Spring Boot serves it
 */
@ConfigurationProperties(AdminProperties.PREFIX)
public record AdminProperties(@Nullable String tokenSha256) {

    public static final String PREFIX = "meridian.admin";

    /** Checked while binding, so a wrong value stops start-up with the property's name and the problem. */
    public AdminProperties {
        AdminCredential.parse(tokenSha256);
    }
}
