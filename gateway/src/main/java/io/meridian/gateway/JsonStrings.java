package io.meridian.gateway;

/**
 * Writes a JSON string by hand, for the documents the gateway builds without an object mapper: its
 * error bodies and its access line. Quotes, backslashes and control characters are escaped, and so
 * are U+2028 and U+2029, which end a line in JavaScript and in some log shippers.
 */
public final class JsonStrings {

    private JsonStrings() {
    }

    /**
     * Appends {@code text} as a quoted JSON string.
     *
     * @param out  where to append
     * @param text the text, any characters
     */
    public static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
