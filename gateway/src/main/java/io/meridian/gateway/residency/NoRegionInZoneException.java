package io.meridian.gateway.residency;

import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianException;
import java.time.Duration;

/**
 * Every region of the request's residency zone is unavailable. The request is refused rather than
 * served outside its zone: 503 {@code no_region_in_zone} on the residency header, with
 * {@code Retry-After: 5} (about how long a region takes to be seen healthy again).
 */
public class NoRegionInZoneException extends MeridianException {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final String zone;

    public NoRegionInZoneException(String zone) {
        super(503, ErrorCodes.NO_REGION_IN_ZONE, "no region of residency zone '" + zone
                + "' can serve this request now; it is never served outside its zone", ResidencyPolicy.HEADER, RETRY_AFTER);
        this.zone = zone;
    }

    public String zone() {
        return zone;
    }
}
