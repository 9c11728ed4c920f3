/** The proxy-overhead benchmark's baseline: a stock Spring Cloud Gateway. */
@NullMarked
package io.meridian.plaingateway;

import org.jspecify.annotations.NullMarked;
