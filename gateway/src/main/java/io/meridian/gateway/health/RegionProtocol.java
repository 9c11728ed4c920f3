package io.meridian.gateway.health;

import org.jspecify.annotations.Nullable;

/**
 * The version of the API between this gateway and the task servers.
 *
 * <p>The gateway names it in {@value #HEADER} on every request it forwards; a task server of
 * another major version refuses such a request with {@code 400 incompatible_protocol}, and the
 * gateway's health checks, which read the region's {@code protocolVersion} from its readiness,
 * stop routing to it first: a region that cannot understand the gateway is unusable, however
 * healthy it is. Minor versions only add, so they never make two nodes incompatible.
 */
public final class RegionProtocol {

    /** The request header that carries the version. */
    public static final String HEADER = "X-Meridian-Protocol";

    /** Major version: a task server must speak the same one. */
    public static final int MAJOR = 1;

    /** Minor version. */
    public static final int MINOR = 0;

    /** {@code <major>.<minor>}, as sent. */
    public static final String VERSION = MAJOR + "." + MINOR;

    private RegionProtocol() {
    }

    /** Whether a region that reports {@code major} (or nothing: an older task server) can be used. */
    public static boolean compatible(@Nullable Integer major) {
        return major == null || major == MAJOR;
    }
}
