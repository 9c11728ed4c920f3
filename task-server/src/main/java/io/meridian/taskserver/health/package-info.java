/**
 * What {@code /actuator/health} says about this server beyond Spring Boot's own indicators: the
 * region it serves and the model backend behind it, so that an operator or the gateway can check
 * that a replica is the one it expects.
 */
@NullMarked
package io.meridian.taskserver.health;

import org.jspecify.annotations.NullMarked;
