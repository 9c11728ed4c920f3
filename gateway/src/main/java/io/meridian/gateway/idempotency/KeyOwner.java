package io.meridian.gateway.idempotency;

import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * The region that owns a key: where its first request was sent, to which endpoint, and that
 * endpoint's task-store epoch at the time (so that a repeat can tell the region lost the key's task
 * when the epoch has changed since).
 *
 * @param region   the region's id
 * @param endpoint the endpoint the request was sent to
 * @param epoch    the endpoint's store epoch when the key was claimed; {@code null} when it had not
 *                 reported one
 */
public record KeyOwner(String region, URI endpoint, @Nullable String epoch) {

    private static final char SEPARATOR = ' ';

    /** The stored form: region, epoch ({@code -} for none) and endpoint, space-separated. */
    String encoded() {
        return region + SEPARATOR + (epoch == null ? "-" : epoch) + SEPARATOR + endpoint;
    }

    /** The owner of a stored value; {@code null} for one this gateway cannot read. */
    static @Nullable KeyOwner decode(@Nullable String value) {
        if (value == null) {
            return null;
        }
        int first = value.indexOf(SEPARATOR);
        int second = first < 0 ? -1 : value.indexOf(SEPARATOR, first + 1);
        if (first <= 0 || second < 0) {
            return null;
        }
        String epoch = value.substring(first + 1, second);
        try {
            return new KeyOwner(value.substring(0, first), URI.create(value.substring(second + 1)),
                    epoch.equals("-") ? null : epoch);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }
}
