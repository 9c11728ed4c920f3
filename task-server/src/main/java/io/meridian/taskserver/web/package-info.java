/**
 * HTTP plumbing every endpoint shares: the JSON error contract ({@link
 * io.meridian.taskserver.web.ApiError}), the handler that turns every failure into it, the request
 * body limit, and the {@value io.meridian.taskserver.web.RegionHeaderFilter#HEADER} response
 * header.
 */
@NullMarked
package io.meridian.taskserver.web;

import org.jspecify.annotations.NullMarked;
