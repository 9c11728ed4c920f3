package io.meridian.gateway.tenant;

import io.meridian.boot.AdminCredential;
import io.meridian.gateway.error.ErrorResponses;
import io.meridian.protocol.ErrorCodes;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/usage}, answered by the gateway itself: what a tenant counted in the current UTC
 * minute, day and month, tokens and spend, the tenant's and each of its keys', from the same
 * ledger its limits are checked against.
 *
 * <ul>
 * <li>With a tenant's API key: that tenant's figures. {@code ?tenant=} naming another tenant (or
 *     {@code all}) is {@code 403 forbidden}, field {@code tenant}.</li>
 * <li>With the admin token ({@code Authorization: Bearer <admin token>}): every tenant's, the
 *     anonymous one's and the deployment's ({@code ?tenant=all}, the default), or one tenant's
 *     ({@code ?tenant=<id>}; an unknown id is {@code 400 invalid_request}, field {@code tenant}).</li>
 * <li>Without a key, {@code 401 missing_api_key}, also while anonymous access is on: the anonymous
 *     figures are everyone's without a key, not the caller's. A wrong key as on every route.</li>
 * </ul>
 *
 * <p>Security note: the admin token is tried first, so a tenant key never reads another tenant's
 * figures; a key is named by {@link ApiKeys#id} only, never the key. The endpoint is not behind the
 * per-client rate limit (a route's filter): an unauthenticated call costs one hash and one map
 * lookup, an authenticated one a read of a few counters per key. Figures are what was counted, not
 * what requests in flight hold; with Redis they are every gateway's, plus what this gateway counted
 * alone while Redis was away ({@code "shared": false} when Redis cannot be read right now).
 */
final class UsageEndpoint {

    /** The path; {@code /v1/usage/} is answered the same (the canonical path keeps a trailing slash). */
    static final String PATH = io.meridian.gateway.routing.ApiPaths.USAGE;

    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final @Nullable TenantDirectory directory;
    private final @Nullable UsageLedger ledger;
    private final AdminCredential admin;
    private final String currency;
    private final @Nullable SpendCeiling ceiling;

    /** Without a directory or a ledger (no tenants, limits or prices configured) nothing is counted: {@code 404}. */
    UsageEndpoint(@Nullable TenantDirectory directory, @Nullable UsageLedger ledger, AdminCredential admin, String currency) {
        this(directory, ledger, admin, currency, null);
    }

    /** With the spend-rate ceiling, which the admin view shows beside the deployment's figures. */
    UsageEndpoint(@Nullable TenantDirectory directory, @Nullable UsageLedger ledger, AdminCredential admin, String currency,
            @Nullable SpendCeiling ceiling) {
        this.ceiling = ceiling;
        this.directory = directory;
        this.ledger = ledger;
        this.admin = admin;
        this.currency = currency;
    }

    Mono<ServerResponse> handle(ServerRequest request) {
        HttpMethod method = request.method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return error(request, HttpStatus.METHOD_NOT_ALLOWED, ErrorCodes.METHOD_NOT_ALLOWED,
                    PATH + " answers GET only, but the request was " + method.name(), null);
        }
        if (directory == null || ledger == null) {
            return error(request, HttpStatus.NOT_FOUND, ErrorCodes.NOT_FOUND, "this gateway counts no usage: no tenants, "
                    + "limits or prices are configured (meridian.auth.*, meridian.pricing.*)", null);
        }
        List<String> asked = request.queryParams().getOrDefault("tenant", List.of());
        if (asked.size() > 1) {
            return error(request, HttpStatus.BAD_REQUEST, ErrorCodes.INVALID_REQUEST,
                    "tenant may be given once, but was given " + asked.size() + " times", "tenant");
        }
        String tenantParam = asked.isEmpty() ? null : asked.getFirst();
        List<String> authorization = request.headers().header(HttpHeaders.AUTHORIZATION);
        if (authorization.size() == 1 && admin.accepts(authorization.getFirst())
                && request.headers().header(ApiKeys.HEADER).isEmpty()) {
            return adminView(request, tenantParam);
        }
        TenantDirectory.Identity identity = directory.identify(request.headers().asHttpHeaders());
        return switch (identity) {
            case TenantDirectory.Ambiguous ambiguous -> error(request, HttpStatus.BAD_REQUEST, ErrorCodes.INVALID_HEADER,
                    "send one API key, in Authorization: Bearer <key> or in " + ApiKeys.HEADER + ", but the request carried "
                            + ambiguous.count() + " credential headers", HttpHeaders.AUTHORIZATION);
            case TenantDirectory.Known known when known.key() != null -> ownView(request, known.tenant(), tenantParam);
            case TenantDirectory.Known anonymous -> unauthorized(request, ErrorCodes.MISSING_API_KEY,
                    "usage is a tenant's: send its API key as Authorization: Bearer <key> or in " + ApiKeys.HEADER
                            + ", or the admin token for every tenant's");
            case TenantDirectory.Missing missing -> unauthorized(request, ErrorCodes.MISSING_API_KEY,
                    "an API key is needed: send it as Authorization: Bearer <key> or in " + ApiKeys.HEADER);
            case TenantDirectory.Revoked revoked -> unauthorized(request, ErrorCodes.REVOKED_API_KEY,
                    "this API key was revoked; ask the owner of tenant '" + revoked.tenantId() + "' for a new one");
            case TenantDirectory.Unknown unknown -> unauthorized(request, ErrorCodes.INVALID_API_KEY,
                    "the API key is not valid (nor is it the admin token)");
        };
    }

    private Mono<ServerResponse> ownView(ServerRequest request, Tenant tenant, @Nullable String tenantParam) {
        if (tenantParam != null && !tenantParam.equals(tenant.id())) {
            return error(request, HttpStatus.FORBIDDEN, "forbidden", "this API key reads the usage of tenant '"
                    + tenant.id() + "' only, but tenant was '" + shown(tenantParam) + "'; every tenant's takes the admin token",
                    "tenant");
        }
        return tenant(tenant).flatMap(node -> {
            ObjectNode document = document();
            document.putArray("tenants").add(node);
            return ok(request, document);
        });
    }

    private Mono<ServerResponse> adminView(ServerRequest request, @Nullable String tenantParam) {
        TenantDirectory tenants = java.util.Objects.requireNonNull(directory);
        if (tenantParam != null && !tenantParam.equals("all")) {
            Tenant tenant = tenants.tenant(tenantParam);
            if (tenant == null) {
                return error(request, HttpStatus.BAD_REQUEST, ErrorCodes.INVALID_REQUEST, "tenant must be 'all' or a "
                        + "configured tenant's id, but was '" + shown(tenantParam) + "'", "tenant");
            }
            return tenant(tenant).flatMap(node -> {
                ObjectNode document = document();
                document.putArray("tenants").add(node);
                return ok(request, document);
            });
        }
        return Flux.fromIterable(tenants.tenants()).concatMap(this::tenant).collectList()
                .zipWith(java.util.Objects.requireNonNull(ledger).figures(UsageLedger.GLOBAL))
                .flatMap(both -> {
                    ObjectNode document = document();
                    ArrayNode list = document.putArray("tenants");
                    both.getT1().forEach(list::add);
                    ObjectNode deployment = figures(both.getT2());
                    if (ceiling != null && ceiling.enabled()) {
                        ObjectNode rate = deployment.putObject("spendRate");
                        rate.put("perHour", Pricing.amount(ceiling.ratePerHour()));
                        rate.put("ceilingPerHour", Pricing.amount(ceiling.ceilingPerHour()));
                        rate.put("state", ceiling.state().name().toLowerCase(java.util.Locale.ROOT));
                    }
                    document.set("deployment", deployment);
                    document.put("shared", both.getT2().shared());
                    return ok(request, document);
                });
    }

    /** One tenant: its figures, its limits, and each key's figures. */
    private Mono<ObjectNode> tenant(Tenant tenant) {
        UsageLedger counts = java.util.Objects.requireNonNull(ledger);
        List<String> keys = java.util.Objects.requireNonNull(directory).keyIds(tenant.id());
        return counts.figures(tenant.id()).zipWith(Flux.fromIterable(keys)
                .concatMap(key -> counts.figures(UsageLedger.keyAccount(tenant.id(), key))).collectList())
                .map(both -> {
                    ObjectNode node = figures(both.getT1());
                    node.put("tenant", tenant.id());
                    node.put("shared", both.getT1().shared());
                    node.set("limits", limits(tenant.limits()));
                    ArrayNode list = node.putArray("keys");
                    for (int i = 0; i < keys.size(); i++) {
                        ObjectNode key = figures(both.getT2().get(i));
                        key.put("key", keys.get(i));
                        list.add(key);
                    }
                    return node;
                });
    }

    private ObjectNode document() {
        ObjectNode document = NODES.objectNode();
        document.put("object", "usage");
        document.put("currency", currency);
        return document;
    }

    private static ObjectNode figures(UsageLedger.Figures figures) {
        ObjectNode node = NODES.objectNode();
        ObjectNode tokens = node.putObject("tokens");
        tokens.put("minute", figures.tokensThisMinute());
        tokens.put("day", figures.tokensToday());
        tokens.put("month", figures.tokensThisMonth());
        ObjectNode spend = node.putObject("spend");
        spend.put("minute", Pricing.amount(figures.spendThisMinute()));
        spend.put("day", Pricing.amount(figures.spendToday()));
        spend.put("month", Pricing.amount(figures.spendThisMonth()));
        return node;
    }

    private static ObjectNode limits(TenantProperties.Limits limits) {
        ObjectNode node = NODES.objectNode();
        putLong(node, "requests_per_minute", limits.requestsPerMinute());
        putLong(node, "tokens_per_minute", limits.tokensPerMinute());
        putLong(node, "tokens_per_day", limits.tokensPerDay());
        putLong(node, "tokens_per_month", limits.tokensPerMonth());
        putAmount(node, "spend_per_minute", limits.spendPerMinute());
        putAmount(node, "spend_per_day", limits.spendPerDay());
        putAmount(node, "spend_per_month", limits.spendPerMonth());
        return node;
    }

    private static void putLong(ObjectNode node, String name, @Nullable Long value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static void putAmount(ObjectNode node, String name, @Nullable BigDecimal value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static Mono<ServerResponse> ok(ServerRequest request, ObjectNode document) {
        byte[] body = JSON.writeValueAsBytes(document);
        ServerResponse.BodyBuilder builder = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").contentLength(body.length);
        return request.method() == HttpMethod.HEAD ? builder.build() : builder.bodyValue(body);
    }

    private static Mono<ServerResponse> unauthorized(ServerRequest request, String code, String message) {
        return ServerResponse.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"meridian\"")
                .contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .bodyValue(ErrorResponses.json(request.path(), 401, code, message, HttpHeaders.AUTHORIZATION));
    }

    private static Mono<ServerResponse> error(ServerRequest request, HttpStatus status, String code, String message,
            @Nullable String field) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .bodyValue(ErrorResponses.json(request.path(), status.value(), code, message, field));
    }

    private static String shown(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
