/**
 * Fixtures shared by the task server's tests: the region they run as, the error-answer assertion
 * and Ollama's wire format.
 */
@NullMarked
package io.meridian.taskserver.testsupport;

import org.jspecify.annotations.NullMarked;
