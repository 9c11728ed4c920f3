/**
 * The gateway's side of the admin token: how actuator's refusal reads. The credential and
 * actuator's access filter are boot-support's ({@code io.meridian.boot}).
 */
@NullMarked
package io.meridian.gateway.admin;

import org.jspecify.annotations.NullMarked;
