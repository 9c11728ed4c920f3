package io.meridian.boot;

import io.meridian.path.CanonicalPath;
import io.meridian.path.RejectedPathException;

/**
 * Which paths need the admin token: everything actuator serves under its base path, except
 * {@code health} and its groups ({@code liveness}, {@code readiness}), which probes and load
 * balancers read without one. The one rule of the gateway and the task servers.
 *
 * <p>Security note: the rule reads the canonical path ({@link CanonicalPath}), the one the actuator
 * mapping serves; comparing the path as written let {@code /%61ctuator/prometheus} and
 * {@code /actuator;x=1/prometheus} through without the token. A path that has no canonical form
 * counts as the base path itself, so it needs the token rather than slipping past the comparison.
 */
final class ActuatorAccessRule {

    private final String basePath;

    /** @param basePath {@code management.endpoints.web.base-path}; a trailing slash is ignored */
    ActuatorAccessRule(String basePath) {
        this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    }

    /**
     * Whether a request for {@code path} needs the admin token.
     *
     * @param path the path within the application, canonical or as the client spelled it
     */
    boolean needsToken(String path) {
        String canonical = canonical(path);
        if (!canonical.equals(basePath) && !canonical.startsWith(basePath + "/")) {
            return false;
        }
        String endpoint = canonical.substring(basePath.length());
        return !(endpoint.equals("/health") || endpoint.startsWith("/health/"));
    }

    private String canonical(String path) {
        try {
            return CanonicalPath.of(path);
        } catch (RejectedPathException refused) {
            return basePath;
        }
    }
}
