package io.meridian.load.gatling;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.core.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How each call of a simulation ended, counted by kind of call and kind of outcome, for a summary
 * that says more than Gatling's OK/KO: {@code ok}, {@code status 502 region_failed} (the status
 * and the JSON error code), {@code stream incomplete} (200 but no {@code [DONE]}) or {@code no
 * answer} (a timeout or a closed connection: no status at all).
 *
 * <p>The requests it follows save their status as {@code httpStatus}, a JSON error code (if any)
 * as {@code errorCode} and, for streams, the number of {@code [DONE]} markers as {@code done};
 * {@link #record(String)} reads them after the request and clears them.
 */
final class CallOutcomes {

    /** Session attribute: the answer's HTTP status. */
    static final String STATUS = "httpStatus";

    /** Session attribute: the {@code error} field of a JSON error body. */
    static final String ERROR_CODE = "errorCode";

    /** Session attribute: how many {@code [DONE]} markers a stream carried. */
    static final String DONE = "done";

    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

    /** A step that counts the outcome of the request just made as {@code kind}. */
    ChainBuilder record(String kind) {
        return CoreDsl.exec(session -> {
            count(kind, outcome(session));
            return session.remove(STATUS).remove(ERROR_CODE).remove(DONE).markAsSucceeded();
        });
    }

    private void count(String kind, String outcome) {
        counts.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> new LongAdder())
                .increment();
    }

    static String outcome(Session session) {
        if (!session.isFailed()) {
            return "ok";
        }
        if (!session.contains(STATUS)) {
            return "no answer (timeout or connection closed)";
        }
        int status = session.getInt(STATUS);
        if (status == 200) {
            return session.contains(DONE) && session.getInt(DONE) == 0 ? "stream incomplete (no [DONE])"
                    : "200 but a check failed";
        }
        String code = session.contains(ERROR_CODE) ? " " + session.getString(ERROR_CODE) : "";
        return "status " + status + code;
    }

    /** Every kind's outcomes, sorted: kind, outcome, count; one per line. */
    String table() {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(counts).forEach((kind, outcomes) -> new TreeMap<>(outcomes).forEach((outcome, count) ->
                out.append(kind).append('\t').append(outcome).append('\t').append(count.sum()).append('\n')));
        return out.toString();
    }

    /** Prints {@link #table()} and, with {@code -Dmeridian.outcomes=<file>}, writes it there too. */
    void report(String title) {
        String table = table();
        System.out.println(title + " (kind, outcome, calls):");
        System.out.print(table.isEmpty() ? "(no calls)\n" : table);
        String file = System.getProperty("meridian.outcomes");
        if (file != null && !file.isBlank()) {
            try {
                Files.writeString(Path.of(file), table);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write -Dmeridian.outcomes=" + file, ex);
            }
        }
    }
}
