package io.meridian.geoip;

/**
 * A GeoIP database cannot be used. The message is one line that names the database and says what
 * is wrong with it, fit to stop start-up with.
 */
public class GeoIpDatabaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public GeoIpDatabaseException(String message) {
        super(message);
    }

    public GeoIpDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
