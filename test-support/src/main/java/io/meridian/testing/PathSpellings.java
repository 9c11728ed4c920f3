package io.meridian.testing;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Other spellings of a request path, as a client trying to slip past a path check would write
 * them: percent-encoded unreserved characters in either case of hex digit, duplicate slashes,
 * {@code .} and {@code x/..} segments (all of which mean the same path), and, now and then, a
 * spelling that has no one meaning and must be refused: {@code ;params}, an encoded {@code /} or
 * {@code ;}, a {@code \}, NUL, malformed percent-encoding, a {@code ..} above the root.
 *
 * <p>Deterministic for a seed, so that a property test's generator (jqwik gives the seed) can
 * shrink and replay it.
 */
public final class PathSpellings {

    /** Plain spellings of the paths the gateway and the task servers serve or guard. */
    public static final List<String> PLAIN = List.of(
            "/process", "/v1/tasks", "/v1/queues", "/v1/chat/completions",
            "/v1/tasks/eu-central.01JD3X9K2M", "/v1/tasks/eu-central.01JD3X9K2M/events",
            "/actuator", "/actuator/prometheus", "/actuator/metrics", "/actuator/info", "/actuator/env");

    /**
     * One spelling of a path.
     *
     * @param plain       the plain path it spells
     * @param raw         the spelling, as it goes on the wire
     * @param mustBeAccepted whether only spellings that keep the meaning were used, so a refusal is a defect
     */
    public record Spelling(String plain, String raw, boolean mustBeAccepted) {

        @Override
        public String toString() {
            return raw + " (spells " + plain + (mustBeAccepted ? ")" : ", may be refused)");
        }
    }

    private PathSpellings() {
    }

    /** A spelling of {@code plain} (which must start with {@code /} and hold only unreserved characters and slashes). */
    public static Spelling of(String plain, long seed) {
        Random random = new Random(seed);
        StringBuilder raw = new StringBuilder();
        boolean harmless = true;
        if (random.nextInt(20) == 0) {
            raw.append('/').append(dotDot(random)); // climbs above the root
            harmless = false;
        }
        String[] segments = plain.substring(1).split("/", -1);
        for (int s = 0; s < segments.length; s++) {
            int slash = random.nextInt(30);
            if (s > 0 && slash == 0) {
                raw.append(random.nextBoolean() ? "%2F" : "%2f");
                harmless = false;
            } else if (s > 0 && slash == 1) {
                raw.append(random.nextBoolean() ? "\\" : "%5c");
                harmless = false;
            } else {
                raw.append('/');
            }
            while (random.nextInt(5) == 0) {
                raw.append('/');
            }
            if (random.nextInt(6) == 0) {
                raw.append(random.nextBoolean() ? "." : encode('.', random)).append('/');
            }
            if (random.nextInt(6) == 0) {
                raw.append(spell("zz", random)).append('/').append(dotDot(random)).append('/');
            }
            raw.append(spell(segments[s], random));
            switch (random.nextInt(40)) {
                case 0 -> {
                    raw.append(";x=1");
                    harmless = false;
                }
                case 1 -> {
                    raw.append(random.nextBoolean() ? ";" : "%3b");
                    harmless = false;
                }
                case 2 -> {
                    raw.append("%00");
                    harmless = false;
                }
                case 3 -> {
                    raw.append(random.nextBoolean() ? "%4" : "%g0");
                    harmless = false;
                }
                default -> {
                }
            }
        }
        return new Spelling(plain, raw.toString(), harmless);
    }

    private static String dotDot(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "..";
            case 1 -> "%2e%2e";
            case 2 -> ".%2E";
            default -> "%2E.";
        };
    }

    private static String spell(String segment, Random random) {
        StringBuilder out = new StringBuilder(segment.length() * 2);
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            out.append(random.nextInt(3) == 0 ? encode(c, random) : String.valueOf(c));
        }
        return out.toString();
    }

    private static String encode(char c, Random random) {
        String hex = String.format("%02X", (int) c);
        return "%" + (random.nextBoolean() ? hex : hex.toLowerCase(Locale.ROOT));
    }
}
