/**
 * What the gateway and the task servers configure alike, as Spring Boot auto-configuration: the
 * admin token ({@link io.meridian.boot.AdminCredential}), actuator behind it
 * ({@link io.meridian.boot.ActuatorAccessFilter}), span processors that queue nothing while nothing
 * exports ({@link io.meridian.boot.LeanSpanProcessorsAutoConfiguration}), and the fixed-interval
 * poll a background task runs on ({@link io.meridian.boot.PeriodicLifecycle}), and the server port's
 * Netty customizers on a management port of its own ({@link io.meridian.boot.ManagementServerCustomizers}).
 * Every bean backs off when the application defines its own.
 */
@NullMarked
package io.meridian.boot;

import org.jspecify.annotations.NullMarked;
