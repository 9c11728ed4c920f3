/** The operator's credential: who may resize pools, pause queues and cancel tasks through the admin API. */
@NullMarked
package io.meridian.taskserver.admin;

import org.jspecify.annotations.NullMarked;
