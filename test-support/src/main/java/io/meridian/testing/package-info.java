/** Fixtures shared by the tests of every module; used in test scope only. */
@NullMarked
package io.meridian.testing;

import org.jspecify.annotations.NullMarked;
