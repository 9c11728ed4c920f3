package io.meridian.gateway.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * Strict parsing of IP address literals, without DNS.
 *
 * <p>Security note: {@link InetAddress#getByName} resolves anything that is not a literal, so a
 * header value such as {@code evil.example} would make the gateway perform a DNS lookup chosen by
 * the client. This parser accepts only the canonical textual forms and builds the address from
 * bytes ({@link InetAddress#getByAddress(byte[])} never touches the network):
 *
 * <ul>
 * <li>IPv4: exactly four dot-separated decimal octets, 0..255, without leading zeros (so
 * {@code 010.0.0.1} is rejected rather than read as octal by one parser and decimal by another);
 * <li>IPv6: RFC 4291 text, with at most one {@code ::} and an optional trailing dotted IPv4 part;
 * zone ids ({@code fe80::1%eth0}) are rejected because they name an interface of the sender, not
 * a client address.
 * </ul>
 *
 * <p>IPv4-mapped IPv6 addresses ({@code ::ffff:192.0.2.1}) come back as their {@link java.net.Inet4Address}.
 */
public final class IpLiteral {

    private static final int MAX_LENGTH = 45; // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"

    private IpLiteral() {
    }

    /** The address written in {@code text}, or {@code null} if it is not exactly an IP literal. */
    public static @Nullable InetAddress parse(CharSequence text) {
        return parse(text, 0, text.length());
    }

    /** Parses {@code text[start, end)}; see {@link #parse(CharSequence)}. */
    public static @Nullable InetAddress parse(CharSequence text, int start, int end) {
        int length = end - start;
        if (length < 2 || length > MAX_LENGTH) {
            return null;
        }
        byte[] bytes = null;
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == ':') {
                bytes = parseIpv6(text, start, end);
                break;
            }
        }
        if (bytes == null && indexOf(text, ':', start, end) < 0) {
            bytes = new byte[4];
            if (!parseIpv4(text, start, end, bytes, 0)) {
                bytes = null;
            }
        }
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException ex) {
            return null; // unreachable: the array has a legal length
        }
    }

    static boolean parseIpv4(CharSequence text, int start, int end, byte[] out, int offset) {
        int octet = 0;
        int digits = 0;
        int part = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits > 0 && octet == 0) {
                    return false; // leading zero
                }
                octet = octet * 10 + (c - '0');
                if (++digits > 3 || octet > 255) {
                    return false;
                }
            } else if (c == '.') {
                if (digits == 0 || part == 3) {
                    return false;
                }
                out[offset + part++] = (byte) octet;
                octet = 0;
                digits = 0;
            } else {
                return false;
            }
        }
        if (digits == 0 || part != 3) {
            return false;
        }
        out[offset + 3] = (byte) octet;
        return true;
    }

    private static byte @Nullable [] parseIpv6(CharSequence text, int start, int end) {
        byte[] out = new byte[16];
        int groups = 0;          // 16-bit groups written so far
        int compressAt = -1;     // group index where "::" stands
        int i = start;
        if (text.charAt(i) == ':') {
            if (end - start < 2 || text.charAt(i + 1) != ':') {
                return null;
            }
            compressAt = 0;
            i += 2;
            if (i == end) {
                return out; // "::"
            }
        }
        while (i < end) {
            int groupStart = i;
            int value = 0;
            int digits = 0;
            while (i < end) {
                int hex = Character.digit(text.charAt(i), 16);
                if (hex < 0 || text.charAt(i) > 'f') {
                    break;
                }
                value = (value << 4) | hex;
                if (++digits > 4) {
                    return null;
                }
                i++;
            }
            if (i < end && text.charAt(i) == '.') {
                // Trailing dotted IPv4: needs room for two groups and must end the literal.
                if (groups > 6 || (compressAt < 0 && groups != 6)) {
                    return null;
                }
                if (!parseIpv4(text, groupStart, end, out, groups * 2)) {
                    return null;
                }
                groups += 2;
                i = end;
                break;
            }
            if (digits == 0 || groups == 8) {
                return null;
            }
            out[groups * 2] = (byte) (value >>> 8);
            out[groups * 2 + 1] = (byte) value;
            groups++;
            if (i == end) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null; // '%' zone ids, '/' prefixes, ']' and anything else
            }
            i++;
            if (i < end && text.charAt(i) == ':') {
                if (compressAt >= 0) {
                    return null; // a second "::"
                }
                compressAt = groups;
                i++;
                if (i == end) {
                    break;
                }
            } else if (i == end) {
                return null; // trailing single ':'
            }
        }
        if (compressAt < 0) {
            return groups == 8 ? out : null;
        }
        if (groups == 8) {
            return null; // "::" must stand for at least one group
        }
        int tail = groups - compressAt;
        System.arraycopy(out, compressAt * 2, out, 16 - tail * 2, tail * 2);
        java.util.Arrays.fill(out, compressAt * 2, 16 - tail * 2, (byte) 0);
        return out;
    }

    private static int indexOf(CharSequence text, char c, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
