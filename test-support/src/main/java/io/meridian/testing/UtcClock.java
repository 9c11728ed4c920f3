package io.meridian.testing;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A test clock that is always UTC: a zone asked for is ignored, as the applications' clocks are UTC. */
abstract class UtcClock extends Clock {

    @Override
    public final ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public final Clock withZone(ZoneId zone) {
        return this;
    }
}
