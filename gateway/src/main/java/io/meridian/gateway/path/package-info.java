/**
 * The request's one canonical path, settled before any other filter, route or actuator mapping
 * looks at it.
 */
@NullMarked
package io.meridian.gateway.path;

import org.jspecify.annotations.NullMarked;
