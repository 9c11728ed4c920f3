package io.meridian.gateway.residency;

/**
 * Every region of the request's residency zone is unavailable. The request is refused rather than
 * served outside its zone.
 */
public class NoRegionInZoneException extends RuntimeException {

    private final String zone;

    public NoRegionInZoneException(String zone) {
        super("no region of residency zone '" + zone + "' can serve this request now; it is never served outside its zone",
                null, false, false);
        this.zone = zone;
    }

    public String zone() {
        return zone;
    }
}
