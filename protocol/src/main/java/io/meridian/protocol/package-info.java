/**
 * The wire contract between the gateway and the task servers, written once: the protocol version
 * and its compatibility rule, every header name either side sends, region and task ids, the usage
 * report, the error body and its codes, and the readiness details. Both applications depend on this
 * package and on nothing else for these rules; {@code docs/protocol.md} describes them for readers.
 *
 * <p>Plain Java with no dependencies but JSpecify, so that any side (a test, a tool, another
 * client) can speak the protocol without pulling in Spring.
 */
@NullMarked
package io.meridian.protocol;

import org.jspecify.annotations.NullMarked;
