/**
 * The region model: what a region is, how the region list is loaded and validated, and how far a
 * client is from each region on the WGS84 ellipsoid.
 */
@NullMarked
package io.meridian.region;

import org.jspecify.annotations.NullMarked;
