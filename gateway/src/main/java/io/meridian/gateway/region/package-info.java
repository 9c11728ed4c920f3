/** Loading the region catalog from regions.yml or Spring configuration. */
@NullMarked
package io.meridian.gateway.region;

import org.jspecify.annotations.NullMarked;
