/** Which region endpoints are up and how loaded they are: active readiness checks and passive detection. */
@NullMarked
package io.meridian.gateway.health;

import org.jspecify.annotations.NullMarked;
