/**
 * Command-line tools that maintain the bundled data: {@link
 * io.meridian.geoip.tools.ReferencePointsBuilder} derives the country reference points from a
 * city database, {@link io.meridian.geoip.tools.DatabaseCheck} proves that a database opens and
 * that every country it can return has a reference point. {@code tools/refresh-geoip.sh} runs
 * both.
 */
@NullMarked
package io.meridian.geoip.tools;

import org.jspecify.annotations.NullMarked;
