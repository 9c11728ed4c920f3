package io.meridian.taskserver.process;

import io.meridian.taskserver.llm.TokenUsage;

/**
 * The {@code POST /process} answer.
 *
 * @param region    the region that served, as in the {@code X-Meridian-Region} header
 * @param answer    the model's answer
 * @param model     the model that answered, as the model server reported it (for the simulated
 *                  backend {@code simulated}, or the name its tier gives it)
 * @param backend   the backend that answered: {@code simulated} or {@code ollama}
 * @param usage     tokens counted for the query and the answer
 * @param latencyMs milliseconds from receiving the validated request to having the answer
 */
public record ProcessResponse(
        String region, String answer, String model, String backend, TokenUsage usage, long latencyMs) {
}
