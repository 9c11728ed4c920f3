/** Tests of Ollama's API through the gateway. */
@NullMarked
package io.meridian.gateway.ollama;

import org.jspecify.annotations.NullMarked;
