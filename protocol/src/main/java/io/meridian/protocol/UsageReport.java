package io.meridian.protocol;

import java.util.Optional;

/**
 * The tokens an answer cost, as a task server reports them to the gateway so that tenants' budgets
 * are counted from real usage.
 *
 * <p>Two carriers, one grammar. An answer with a finished result carries the header
 * {@link MeridianHeaders#USAGE}: {@code prompt=<n>, completion=<n>}. A streamed answer cannot add
 * a header at its end, so it ends with the SSE comment line {@code :meridian-usage prompt=<n>
 * completion=<n>} instead, which clients ignore (the gateway also reads {@code : meridian-usage},
 * with one blank after the colon). Both are read by {@link #parse}: pairs {@code <name>=<digits>}
 * separated by commas and blanks, {@code prompt} and {@code completion} each exactly once, 1 to 12
 * digits each; other names are skipped, so a later minor version may add counts.
 *
 * @param prompt     tokens of the prompt, at least 0
 * @param completion tokens of the completion, at least 0
 */
public record UsageReport(long prompt, long completion) {

    /** The word that opens the SSE comment. */
    public static final String COMMENT_WORD = "meridian-usage";

    /** The most digits in a count: more is not a count a model produced. */
    static final int MAX_DIGITS = 12;

    /**
     * Checks the counts.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public UsageReport {
        if (prompt < 0 || completion < 0) {
            throw new IllegalArgumentException("token counts must be at least 0, but were prompt=" + prompt
                    + ", completion=" + completion);
        }
    }

    /**
     * Prompt plus completion.
     *
     * @return the tokens the answer cost
     */
    public long total() {
        return prompt + completion;
    }

    /**
     * The {@link MeridianHeaders#USAGE} header's value.
     *
     * @return {@code prompt=<n>, completion=<n>}
     */
    public String header() {
        return "prompt=" + prompt + ", completion=" + completion;
    }

    /**
     * The SSE comment's text, without the leading colon (as {@code ServerSentEvent.comment} takes it).
     *
     * @return {@code meridian-usage prompt=<n> completion=<n>}
     */
    public String comment() {
        return COMMENT_WORD + " prompt=" + prompt + " completion=" + completion;
    }

    /**
     * The SSE comment as it appears on the wire, one line with its line end.
     *
     * @return {@code :meridian-usage prompt=<n> completion=<n>\n}
     */
    public String commentLine() {
        return ":" + comment() + "\n";
    }

    /**
     * Reads a header value, or the part of a comment after {@value #COMMENT_WORD}.
     *
     * @param text the pairs
     * @return the report, or empty when {@code text} does not name both counts exactly once
     */
    public static Optional<UsageReport> parse(CharSequence text) {
        long prompt = -1;
        long completion = -1;
        int length = text.length();
        int i = 0;
        while (i < length) {
            char c = text.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < length && text.charAt(i) != '=' && text.charAt(i) != ',' && text.charAt(i) != ' ') {
                i++;
            }
            if (i >= length || text.charAt(i) != '=' || i == nameStart) {
                return Optional.empty();
            }
            String name = text.subSequence(nameStart, i).toString();
            i++;
            int digitsStart = i;
            long value = 0;
            while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
                if (i - digitsStart > MAX_DIGITS) {
                    return Optional.empty();
                }
            }
            if (i == digitsStart || i < length && text.charAt(i) != ',' && text.charAt(i) != ' '
                    && text.charAt(i) != '\t') {
                return Optional.empty();
            }
            switch (name) {
                case "prompt" -> {
                    if (prompt >= 0) {
                        return Optional.empty();
                    }
                    prompt = value;
                }
                case "completion" -> {
                    if (completion >= 0) {
                        return Optional.empty();
                    }
                    completion = value;
                }
                default -> {
                    // a count a later minor version added: not ours to read
                }
            }
        }
        return prompt < 0 || completion < 0 ? Optional.empty() : Optional.of(new UsageReport(prompt, completion));
    }

    /**
     * Finds the usage comment in a piece of an event stream: a line that starts with
     * {@code :meridian-usage } or {@code : meridian-usage }.
     *
     * @param chunk whole lines of an event stream
     * @return the report, or empty when the chunk holds no readable usage comment
     */
    public static Optional<UsageReport> inStream(CharSequence chunk) {
        String text = chunk.toString();
        for (int at = text.indexOf(COMMENT_WORD); at >= 0; at = text.indexOf(COMMENT_WORD, at + 1)) {
            int colon = at - 1;
            if (colon >= 0 && text.charAt(colon) == ' ') {
                colon--;
            }
            boolean lineStart = colon == 0 || colon > 0 && text.charAt(colon - 1) == '\n';
            int after = at + COMMENT_WORD.length();
            if (colon < 0 || text.charAt(colon) != ':' || !lineStart || after >= text.length()
                    || text.charAt(after) != ' ') {
                continue;
            }
            int end = text.indexOf('\n', after);
            String pairs = text.substring(after + 1, end < 0 ? text.length() : end);
            return parse(pairs.endsWith("\r") ? pairs.substring(0, pairs.length() - 1) : pairs);
        }
        return Optional.empty();
    }
}
