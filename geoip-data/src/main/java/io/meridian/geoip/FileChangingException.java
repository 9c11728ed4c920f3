package io.meridian.geoip;

/**
 * A database file changed while it was being read: someone is writing it (in place, or it was
 * replaced mid-read). Nothing is wrong with it yet; the next check tries again.
 */
final class FileChangingException extends GeoIpDatabaseException {

    private static final long serialVersionUID = 1L;

    FileChangingException(String message) {
        super(message);
    }
}
