package io.meridian.gateway.routing;

/**
 * The paths the gateway routes to a region, which the key check and the rate limit cover by the
 * same comparison: {@code /process}, everything under {@code /v1/}, and Ollama's
 * {@code /api/chat}, {@code /api/generate} and {@code /api/tags}. A path pattern would also take
 * {@code /v1} itself (and, by default, {@code /process/}), which they do not cover.
 *
 * <p>Of Ollama's API, only what Meridian serves is routed; {@code /api/version} the gateway
 * answers itself, and any other {@code /api/} path (pulling, copying, deleting models) is
 * {@code 404 not_found} in Ollama's error shape, as no region would serve it either.
 *
 * <p>{@code /v1/usage} (and {@code /v1/usage/}) is the gateway's own: a tenant's usage lives in
 * the gateway's ledger, and a region must never be asked for it.
 */
public final class ApiPaths {

    /** Ollama's chat endpoint. */
    public static final String OLLAMA_CHAT = "/api/chat";

    /** Ollama's completion endpoint. */
    public static final String OLLAMA_GENERATE = "/api/generate";

    /** Ollama's model list. */
    public static final String OLLAMA_TAGS = "/api/tags";

    /** A tenant's usage and spend, answered by the gateway. */
    public static final String USAGE = "/v1/usage";

    /** Ollama's version, answered by the gateway. */
    public static final String OLLAMA_VERSION = "/api/version";

    private ApiPaths() {
    }

    /**
     * Whether the gateway routes {@code path} to a region.
     *
     * @param path a canonical path
     * @return {@code true} for {@code /process}, {@code /v1/**} but {@value #USAGE}, and Ollama's chat,
     *         generate and tags
     */
    public static boolean isRouted(String path) {
        return path.equals("/process") || path.startsWith("/v1/") && !isUsage(path) || path.equals(OLLAMA_CHAT)
                || path.equals(OLLAMA_GENERATE) || path.equals(OLLAMA_TAGS);
    }

    /** Whether {@code path} (canonical) is {@value #USAGE}, with or without a trailing slash. */
    public static boolean isUsage(String path) {
        return path.startsWith(USAGE) && (path.length() == USAGE.length()
                || path.length() == USAGE.length() + 1 && path.charAt(USAGE.length()) == '/');
    }
}
