/**
 * The regional task server: one per region, N replicas behind the gateway. This package holds the
 * application entry point and the settings that identify the server ({@link
 * io.meridian.taskserver.TaskServerProperties}); features live in sub-packages: {@code process}
 * (the synchronous API), {@code task} (tasks and the asynchronous API), {@code queue} (the queues
 * and their backend), {@code worker} (the worker pools), {@code llm} (model backends), {@code load}
 * (admission against capacity), {@code web} (the error contract and the region header) and
 * {@code health}.
 */
@NullMarked
package io.meridian.taskserver;

import org.jspecify.annotations.NullMarked;
