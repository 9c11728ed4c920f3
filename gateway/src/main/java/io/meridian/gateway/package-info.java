/** Meridian's gateway application. */
@NullMarked
package io.meridian.gateway;

import org.jspecify.annotations.NullMarked;
