package io.meridian.gateway;

/** A configuration property has a value the gateway cannot work with; start-up stops with one line. */
public class GatewayConfigException extends RuntimeException {

    private final String property;

    public GatewayConfigException(String property, String problem) {
        super(property + ": " + problem);
        this.property = property;
    }

    public String property() {
        return property;
    }
}
