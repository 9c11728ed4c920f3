package io.meridian.gateway.health;

import io.meridian.protocol.ProtocolVersion;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's use of the protocol version ({@link ProtocolVersion}, whose rule both sides share).
 *
 * <p>The gateway names its version in {@link io.meridian.protocol.MeridianHeaders#PROTOCOL} on every
 * request it forwards; a task server of another major version refuses such a request with
 * {@code 400 incompatible_protocol}, and the gateway's health checks, which read the region's {@code protocolVersion} from its readiness,
 * stop routing to it first: a region that cannot understand the gateway is unusable, however
 * healthy it is. Minor versions only add, so they never make two nodes incompatible.
 */
public final class RegionProtocol {

    private RegionProtocol() {
    }

    /**
     * Whether a region that reports {@code major} (or nothing: an older task server, or a value
     * that is not a version) can be used.
     */
    public static boolean compatible(@Nullable Integer major) {
        return major == null || major == ProtocolVersion.CURRENT.major();
    }
}
