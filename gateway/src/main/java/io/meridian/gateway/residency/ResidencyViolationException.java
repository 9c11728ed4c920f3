package io.meridian.gateway.residency;

/** A residency request the gateway cannot honour as asked: an unknown zone, or two rules that disagree. */
public class ResidencyViolationException extends RuntimeException {

    public ResidencyViolationException(String message) {
        super(message, null, false, false);
    }
}
