package io.meridian.gateway.client;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Finds the client's address: the socket peer, unless the peer is a trusted proxy.
 *
 * <p>Design note: only the entries that trusted proxies appended can be believed; everything to
 * their left was written by whoever sent the request. So the chain is read right to left,
 * starting at the socket peer, and the walk stops at the first address that is not a trusted
 * proxy: that is the client. Entries further left are never looked at, so a client cannot
 * choose its own location by prepending addresses.
 *
 * <p>Security note: with an empty trusted-proxy list (the default) forwarding headers are
 * ignored entirely. Trusting a CIDR block means trusting every host in it to write honest
 * headers; trusting {@code 0.0.0.0/0} lets any client claim any address, exactly like Spring
 * Cloud Gateway's {@code XForwardedRemoteAddressResolver.trustAll()}.
 *
 * <p>Defined behaviour for every input a trusted proxy may pass on:
 * <ul>
 * <li>IP literals only (see {@link IpLiteral}); {@code 1.2.3.4:80}, {@code [2001:db8::1]} and
 * {@code [2001:db8::1]:80} lose their port and brackets. A hostname, a zone id, a CIDR block or
 * any other text is an {@link InvalidClientAddressException} (the gateway answers 400): never a
 * DNS lookup.
 * <li>{@code unknown} and RFC 7239 obfuscated identifiers ({@code _hidden}) end the walk: the
 * client is the last address that could be verified.
 * <li>Several header lines are one list, in order (RFC 9110 section 5.3). Empty list elements are
 * skipped.
 * <li>More than {@code maxEntries} entries is an {@link InvalidClientAddressException}, so a
 * header with thousands of hops costs one bounded scan.
 * </ul>
 */
public final class ClientIpResolver {

    private static final InetAddress UNSPECIFIED;

    static {
        try {
            UNSPECIFIED = InetAddress.getByAddress(new byte[16]);
        } catch (UnknownHostException ex) {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Exchange attribute holding the resolved {@link ClientIp}. */
    public static final String CLIENT_IP_ATTR = ClientIpResolver.class.getName() + ".clientIp";

    private final CidrBlock[] trusted;
    private final ForwardingHeader header;
    private final int maxEntries;

    public ClientIpResolver(List<CidrBlock> trustedProxies, ForwardingHeader header, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, but was " + maxEntries);
        }
        this.trusted = trustedProxies.toArray(CidrBlock[]::new);
        this.header = header;
        this.maxEntries = maxEntries;
    }

    /**
     * Resolves the client of one request.
     *
     * @param peer          the socket peer, {@code null} when the transport has none
     * @param headerValues  every value of the configured forwarding header, in order of appearance
     * @throws InvalidClientAddressException when a trusted proxy's header cannot be read
     */
    public ClientIp resolve(@Nullable InetSocketAddress peer, List<String> headerValues) {
        InetAddress current = peerAddress(peer);
        if (trusted.length == 0 || headerValues.isEmpty() || !isTrusted(current)) {
            return new ClientIp(current, 0);
        }
        List<String> entries = header == ForwardingHeader.FORWARDED
                ? forwardedForValues(headerValues)
                : listElements(headerValues);
        int hops = 0;
        for (int i = entries.size() - 1; i >= 0; i--) {
            String entry = entries.get(i);
            if (isUnknown(entry)) {
                break;
            }
            InetAddress address = parseEntry(entry);
            if (address == null) {
                throw new InvalidClientAddressException(header.headerName(), header.headerName() + " entry "
                        + (entries.size() - i) + " from the right is not an IP address: " + excerpt(entry));
            }
            hops++;
            current = address;
            if (!isTrusted(address)) {
                break;
            }
        }
        return new ClientIp(current, hops);
    }

    /**
     * The client of an exchange, resolved once and kept on it: the rate limiter and the router both
     * need it, and the walk over the forwarding header need not run twice.
     *
     * @throws InvalidClientAddressException when a trusted proxy's header cannot be read
     */
    public ClientIp resolve(ServerWebExchange exchange) {
        ClientIp known = exchange.getAttribute(CLIENT_IP_ATTR);
        if (known != null) {
            return known;
        }
        ServerHttpRequest request = exchange.getRequest();
        ClientIp client = resolve(request.getRemoteAddress(), request.getHeaders().getOrEmpty(header.headerName()));
        exchange.getAttributes().put(CLIENT_IP_ATTR, client);
        return client;
    }

    /** Whether {@code address} is one of the configured trusted proxies. */
    public boolean isTrusted(InetAddress address) {
        for (CidrBlock block : trusted) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public ForwardingHeader header() {
        return header;
    }

    public List<CidrBlock> trustedProxies() {
        return Arrays.asList(trusted);
    }

    private static InetAddress peerAddress(@Nullable InetSocketAddress peer) {
        if (peer == null || peer.getAddress() == null) {
            return UNSPECIFIED;
        }
        InetAddress address = peer.getAddress();
        if (address instanceof Inet6Address && CidrBlock.isIpv4Mapped(address.getAddress())) {
            try {
                return InetAddress.getByAddress(Arrays.copyOfRange(address.getAddress(), 12, 16));
            } catch (UnknownHostException ex) {
                return address;
            }
        }
        return address;
    }

    /** Splits comma-separated list headers, skipping empty elements and optional whitespace. */
    private List<String> listElements(List<String> values) {
        List<String> entries = new ArrayList<>();
        for (String value : values) {
            int start = 0;
            int length = value.length();
            while (start <= length) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? length : comma;
                String element = value.substring(start, end).strip();
                if (!element.isEmpty()) {
                    addEntry(entries, element);
                }
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
        }
        return entries;
    }

    /** The {@code for} parameter of every RFC 7239 element; an element without one is "unknown". */
    private List<String> forwardedForValues(List<String> values) {
        List<String> entries = new ArrayList<>();
        for (String value : values) {
            int i = 0;
            int length = value.length();
            String forValue = null;
            boolean elementHasContent = false;
            while (i < length) {
                char c = value.charAt(i);
                if (c == ',' ) {
                    if (elementHasContent) {
                        addEntry(entries, forValue == null ? "unknown" : forValue);
                    }
                    forValue = null;
                    elementHasContent = false;
                    i++;
                    continue;
                }
                if (c == ';' || c == ' ' || c == '\t') {
                    i++;
                    continue;
                }
                int eq = i;
                while (eq < length && value.charAt(eq) != '=' && value.charAt(eq) != ',' && value.charAt(eq) != ';') {
                    eq++;
                }
                if (eq >= length || value.charAt(eq) != '=') {
                    throw new InvalidClientAddressException(header.headerName(),
                            "Forwarded has a parameter without a value: " + excerpt(value.substring(i, eq)));
                }
                String name = value.substring(i, eq).strip();
                int v = eq + 1;
                StringBuilder parsed = new StringBuilder();
                if (v < length && value.charAt(v) == '"') {
                    v++;
                    boolean closed = false;
                    while (v < length) {
                        char q = value.charAt(v);
                        if (q == '\\' && v + 1 < length) {
                            parsed.append(value.charAt(v + 1));
                            v += 2;
                        } else if (q == '"') {
                            closed = true;
                            v++;
                            break;
                        } else {
                            parsed.append(q);
                            v++;
                        }
                    }
                    if (!closed) {
                        throw new InvalidClientAddressException(header.headerName(),
                                "Forwarded has an unterminated quoted string: " + excerpt(value.substring(eq + 1)));
                    }
                } else {
                    while (v < length && value.charAt(v) != ';' && value.charAt(v) != ',') {
                        parsed.append(value.charAt(v));
                        v++;
                    }
                }
                elementHasContent = true;
                if (name.equalsIgnoreCase("for")) {
                    forValue = parsed.toString().strip();
                }
                i = v;
            }
            if (elementHasContent) {
                addEntry(entries, forValue == null ? "unknown" : forValue);
            }
        }
        return entries;
    }

    private void addEntry(List<String> entries, String entry) {
        if (entries.size() == maxEntries) {
            throw new InvalidClientAddressException(header.headerName(), header.headerName() + " has more than "
                    + maxEntries + " entries");
        }
        entries.add(entry);
    }

    private static boolean isUnknown(String entry) {
        return entry.equalsIgnoreCase("unknown") || entry.startsWith("_");
    }

    /** An entry's address: a literal, optionally with a port, IPv6 optionally bracketed. */
    static @Nullable InetAddress parseEntry(String entry) {
        int length = entry.length();
        if (length == 0) {
            return null;
        }
        if (entry.charAt(0) == '[') {
            int close = entry.indexOf(']');
            if (close < 0 || (close + 1 < length && !isPortSuffix(entry, close + 1))) {
                return null;
            }
            // Brackets are for IPv6 text only: "[192.0.2.1]" is not a valid form.
            return entry.lastIndexOf(':', close) > 0 ? IpLiteral.parse(entry, 1, close) : null;
        }
        int colon = entry.indexOf(':');
        if (colon > 0 && entry.indexOf(':', colon + 1) < 0) {
            // a single colon: IPv4 with a port
            return isPortSuffix(entry, colon) ? ipv4(entry, 0, colon) : null;
        }
        return IpLiteral.parse(entry);
    }

    private static @Nullable InetAddress ipv4(String entry, int start, int end) {
        InetAddress address = IpLiteral.parse(entry, start, end);
        return address != null && address.getAddress().length == 4 ? address : null;
    }

    /** {@code :port} within 0..65535, or an RFC 7239 obfuscated port {@code :_x}. */
    private static boolean isPortSuffix(String entry, int colon) {
        if (colon >= entry.length() || entry.charAt(colon) != ':' || colon + 1 == entry.length()) {
            return false;
        }
        if (entry.charAt(colon + 1) == '_') {
            return true;
        }
        int digits = entry.length() - colon - 1;
        if (digits > 5) {
            return false;
        }
        int port = 0;
        for (int i = colon + 1; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65_535;
    }

    private static String excerpt(String value) {
        StringBuilder out = new StringBuilder("'");
        int limit = Math.min(value.length(), 40);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7F && c != '\'' ? c : '?');
        }
        if (value.length() > limit) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
