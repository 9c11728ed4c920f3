package io.meridian.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * JSON strings written by hand, for the documents built without an object mapper (error bodies,
 * access lines), and read back, for the flat documents of this protocol.
 *
 * <p>{@link #quote} escapes what RFC 8259 requires ({@code "}, {@code \}, U+0000 to U+001F) and
 * also U+2028 and U+2029, which end a line in JavaScript and in some log shippers, and lone
 * surrogates, which are not text and which some decoders reject or replace; everything else passes
 * as it is, so a message stays readable. The result is always a valid JSON string, whatever
 * {@code text} holds: that is what makes it safe to put client-supplied text in an answer or a log
 * line without an attacker closing the string and adding fields of their own.
 */
public final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /**
     * Appends {@code text} as a quoted JSON string.
     *
     * @param out  where to append
     * @param text the text, any characters
     */
    public static void quote(StringBuilder out, String text) {
        out.append('"');
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < length
                            && Character.isLowSurrogate(text.charAt(i + 1));
                    if (pairedHigh) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
                        out.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15])
                                .append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * {@code text} as a quoted JSON string.
     *
     * @param text the text, any characters
     * @return the JSON string, quotes included
     */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        quote(out, text);
        return out.toString();
    }

    /**
     * Reads a flat JSON object whose values are strings, integers, booleans or {@code null}; nested
     * values make it unreadable. Enough for the documents of this protocol, and strict: trailing
     * text, duplicate names, bad escapes and unescaped control characters are refused.
     *
     * @param text the document
     * @return the members in order (strings as {@link String}, integers as {@link Long}, booleans
     *         as {@link Boolean}, {@code null} as {@link Optional#empty()}), or empty when unreadable
     */
    static Optional<Map<String, Optional<Object>>> readFlatObject(String text) {
        try {
            Reader reader = new Reader(text);
            Map<String, Optional<Object>> members = reader.object();
            reader.blanks();
            return reader.at == text.length() ? Optional.of(members) : Optional.empty();
        } catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
            return Optional.empty();
        }
    }

    private static final class Reader {

        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        Map<String, Optional<Object>> object() {
            blanks();
            expect('{');
            Map<String, Optional<Object>> members = new LinkedHashMap<>();
            blanks();
            if (peek() == '}') {
                at++;
                return members;
            }
            while (true) {
                blanks();
                String name = string();
                blanks();
                expect(':');
                blanks();
                if (members.put(name, Optional.ofNullable(value())) != null) {
                    throw new IllegalArgumentException("duplicate member " + name);
                }
                blanks();
                char next = text.charAt(at++);
                if (next == '}') {
                    return members;
                }
                if (next != ',') {
                    throw new IllegalArgumentException("expected , or }");
                }
            }
        }

        @Nullable Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (text.startsWith("null", at)) {
                at += 4;
                return null;
            }
            if (text.startsWith("true", at)) {
                at += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("false", at)) {
                at += 5;
                return Boolean.FALSE;
            }
            int start = at;
            if (c == '-') {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at)) && text.charAt(at) < 128) {
                at++;
            }
            if (at == start || at - start > 18) {
                throw new IllegalArgumentException("not a flat value");
            }
            return Long.parseLong(text.substring(start, at));
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw new IllegalArgumentException("unescaped control character");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escape = text.charAt(at++);
                switch (escape) {
                    case '"', '\\', '/' -> out.append(escape);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        int code = 0;
                        for (int end = at + 4; at < end; at++) {
                            int digit = Character.digit(text.charAt(at), 16);
                            if (digit < 0 || text.charAt(at) > 'f') {
                                throw new IllegalArgumentException("bad \\u escape");
                            }
                            code = code << 4 | digit;
                        }
                        out.append((char) code);
                    }
                    default -> throw new IllegalArgumentException("bad escape");
                }
            }
        }

        char peek() {
            return text.charAt(at);
        }

        void expect(char c) {
            if (text.charAt(at++) != c) {
                throw new IllegalArgumentException("expected " + c);
            }
        }

        void blanks() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }
    }
}
