/** The canonical path applied to a Spring WebFlux request. */
@NullMarked
package io.meridian.path.reactive;

import org.jspecify.annotations.NullMarked;
