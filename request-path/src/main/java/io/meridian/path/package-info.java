/**
 * The one rule by which Meridian's gateway and task servers read a request path: the path a
 * client spelled, in its canonical form, or a refusal that says what was wrong with it.
 */
@NullMarked
package io.meridian.path;

import org.jspecify.annotations.NullMarked;
