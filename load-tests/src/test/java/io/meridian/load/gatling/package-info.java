/**
 * Gatling simulations of the local stack: steady geo-mixed load, a spike, the asynchronous task
 * flow, OpenAI-compatible streaming, a region killed under load, and a short smoke run for CI.
 * Each class's Javadoc says what it models, the command that runs it and what it asserts.
 */
@NullMarked
package io.meridian.load.gatling;

import org.jspecify.annotations.NullMarked;
