package io.meridian.taskserver.llm;

/**
 * A call of one of the request's tools, as the model asked for it: the client runs the tool and
 * sends its result back in a {@code tool} message that names the call's {@code id}.
 *
 * @param id        the call's id, unique within the answer ({@code call_...})
 * @param name      the function to call, one of the request's tools
 * @param arguments the arguments as the model wrote them: JSON text, which the model (not this
 *                  server) is responsible for making valid against the tool's parameters
 */
public record ToolCall(String id, String name, String arguments) {
}
