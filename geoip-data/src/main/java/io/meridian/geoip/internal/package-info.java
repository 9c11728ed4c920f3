/**
 * Implementation details of {@code io.meridian.geoip} that must be public for reflection only:
 * MaxMind's reader instantiates the decoded record types from outside this module. Not an API;
 * may change without notice.
 */
@NullMarked
package io.meridian.geoip.internal;

import org.jspecify.annotations.NullMarked;
