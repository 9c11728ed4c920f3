/** Data residency: confining a request to the regions of one residency zone. */
@NullMarked
package io.meridian.gateway.residency;

import org.jspecify.annotations.NullMarked;
