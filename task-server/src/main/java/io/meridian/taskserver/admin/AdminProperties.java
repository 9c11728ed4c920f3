package io.meridian.taskserver.admin;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin credential ({@value #PREFIX}.*).
 *
 * @param tokenSha256 the SHA-256 of the admin bearer token, 64 hex digits; the token itself is
 *                    never configured, so a leaked configuration does not grant admin access.
 *                    Unset: every admin call is refused
 */
@ConfigurationProperties(AdminProperties.PREFIX)
public record AdminProperties(@Nullable String tokenSha256) {

    public static final String PREFIX = "meridian.admin";
}
