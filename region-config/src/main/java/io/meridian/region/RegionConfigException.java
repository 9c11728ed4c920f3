package io.meridian.region;

/**
 * The region configuration is wrong. The message is one line that names the source, the region,
 * the field and the offending value, e.g.
 * {@code regions.yml: region 'eu-central' latitude must be within [-90, 90], but was 123.0}.
 */
public class RegionConfigException extends RuntimeException {

    public RegionConfigException(String message) {
        super(message);
    }

    public RegionConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
