/** Tests of OpenAI's embeddings API through the gateway. */
@NullMarked
package io.meridian.gateway.embeddings;

import org.jspecify.annotations.NullMarked;
