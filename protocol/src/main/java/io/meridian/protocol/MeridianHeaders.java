package io.meridian.protocol;

import java.util.List;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Every header the gateway and a task server exchange, by name. {@code docs/protocol.md} says for
 * each who sends it, who reads it and its format; the rule is that every header one side sends,
 * the other reads: a header nobody reads is not sent.
 *
 * <p>Header names are case-insensitive on the wire; these are the spellings both sides write.
 */
public final class MeridianHeaders {

    /**
     * Response header, task server to gateway to client: the {@link RegionId} of the region that
     * served. The task server sets it on every answer, errors included; the gateway sets it on the
     * answers it relays and on its own.
     */
    public static final String REGION = "X-Meridian-Region";

    /**
     * Request header, gateway to task server: the gateway's {@link ProtocolVersion}. A task server
     * of another major version refuses the request with {@code 400 incompatible_protocol}; a request
     * without it (a direct call) is served.
     */
    public static final String PROTOCOL = "X-Meridian-Protocol";

    /**
     * Request header, gateway to task server: the tenant the request is for ({@link TenantId}), set
     * on every forwarded request after any copy the client sent is dropped.
     */
    public static final String TENANT = "X-Meridian-Tenant";

    /**
     * Request header, gateway to task server: the models the tenant may use, comma-separated;
     * absent means any.
     */
    public static final String ALLOWED_MODELS = "X-Meridian-Allowed-Models";

    /**
     * Request header, gateway to task server: the most tokens the answer may have, as the gateway
     * reserved them from the tenant's budget; a whole number from 1 to 2<sup>31</sup>-1.
     */
    public static final String MAX_TOKENS = "X-Meridian-Max-Tokens";

    /**
     * Response header, task server to gateway: the tokens an answer with a finished result cost, in
     * the {@link UsageReport} format.
     */
    public static final String USAGE = "X-Meridian-Usage";

    /**
     * Request header, client to gateway to task server: the client's key that makes a submit
     * idempotent (1 to 200 visible ASCII characters); the gateway forwards it unchanged and may
     * re-send a submit that carries one to another region's replica.
     */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /**
     * Response header, gateway to client: the client's country as the gateway located it (ISO 3166
     * alpha-2, or {@code unknown}). Not sent to a task server, which has no use for it; a copy a
     * client sends is dropped before forwarding.
     */
    public static final String CLIENT_COUNTRY = "X-Meridian-Client-Country";

    /**
     * The client's address as the gateway resolved it. Gateway-only: not sent to a task server,
     * which has no use for it (it is personal data, and a region that does not read it should not
     * receive it); a copy a client sends is dropped before forwarding, so no client can plant one.
     */
    public static final String CLIENT_IP = "X-Meridian-Client-IP";

    /**
     * Request header, gateway to task server: {@value #SCALING_HOLD} while the deployment's spend
     * rate is near its ceiling ({@code meridian.pricing.ceiling.*}), so that the region's worker
     * pools stop growing for a while ({@code meridian.workers.scaling-hold}); absent otherwise. A
     * client's copy is dropped before forwarding.
     */
    public static final String SCALING = "X-Meridian-Scaling";

    /** The value of {@link #SCALING} that holds the pools. */
    public static final String SCALING_HOLD = "hold";

    /**
     * The request headers that a request may carry at most once. Each is read as one value, and a
     * second copy leaves it to the reader which one counts: a proxy that keeps the last and a server
     * that keeps the first would disagree on whose token, tenant or key a request carries. A request
     * with two copies of one is refused {@code 400 invalid_header} naming it, by the gateway (for the
     * headers a client may send) and by the task server (for all of them).
     */
    public static final List<String> SINGLE_VALUED = List.of("Authorization", IDEMPOTENCY_KEY, TENANT, PROTOCOL,
            ALLOWED_MODELS, MAX_TOKENS, SCALING);

    /**
     * The first of {@code names} that a request carries more than once, or {@code null}.
     *
     * @param names  the headers to check, e.g. {@link #SINGLE_VALUED}
     * @param copies how many times the request carries a header, by name
     * @return the repeated header's name, as spelled in {@code names}
     */
    public static @Nullable String repeated(List<String> names, ToIntFunction<String> copies) {
        for (String name : names) {
            if (copies.applyAsInt(name) > 1) {
                return name;
            }
        }
        return null;
    }

    /**
     * The message of the {@code 400 invalid_header} for a repeated header.
     *
     * @param name the header
     * @return the message
     */
    public static String repeatedMessage(String name) {
        return "the request carries more than one " + name + " header; send it once";
    }

    private MeridianHeaders() {
    }
}
