/**
 * Fixtures shared by the task server's tests: the region they run as, the error-answer assertion,
 * Ollama's and OpenAI's wire formats, a task server over a WireMock Ollama or OpenAI-compatible
 * server ({@link io.meridian.taskserver.testsupport.OllamaServerTest},
 * {@link io.meridian.taskserver.testsupport.OpenAiServerTest}), a clock tests move, a scripted
 * model backend, ready-made queues and tasks, a way to wait for a task's state, and a real Redis.
 */
@NullMarked
package io.meridian.taskserver.testsupport;

import org.jspecify.annotations.NullMarked;
