/** Shared test fixtures of the gateway. */
@NullMarked
package io.meridian.gateway.testing;

import org.jspecify.annotations.NullMarked;
