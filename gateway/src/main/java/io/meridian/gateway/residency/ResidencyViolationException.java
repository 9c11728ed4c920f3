package io.meridian.gateway.residency;

import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianException;

/**
 * A residency request the gateway cannot honour as asked: an unknown zone, or two rules that
 * disagree; answered 400 {@code invalid_residency} on the residency header.
 */
public class ResidencyViolationException extends MeridianException {

    public ResidencyViolationException(String message) {
        super(400, ErrorCodes.INVALID_RESIDENCY, message, ResidencyPolicy.HEADER, null);
    }
}
