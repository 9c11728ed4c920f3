/**
 * The synchronous API, {@code POST /process}: one query in, one answer out, within
 * {@code meridian.model.timeout}. The asynchronous task API will share its request validation.
 */
@NullMarked
package io.meridian.taskserver.process;

import org.jspecify.annotations.NullMarked;
