/** JSON error answers: every failure the gateway reports is a small JSON document, never a stack trace. */
@NullMarked
package io.meridian.gateway.error;

import org.jspecify.annotations.NullMarked;
