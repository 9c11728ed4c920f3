/** The gateways' shared Redis: one lazily opened connection per purpose, and Lua scripts run by hash. */
@NullMarked
package io.meridian.gateway.redis;

import org.jspecify.annotations.NullMarked;
