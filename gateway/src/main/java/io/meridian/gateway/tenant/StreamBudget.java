package io.meridian.gateway.tenant;

import io.meridian.protocol.ErrorBody;
import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.OllamaErrors;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Meters a streamed answer against its tenant's budgets while it flows.
 *
 * <p>A stream's exact usage arrives only at its end (the region's {@code : meridian-usage}
 * comment), so while it flows each content chunk counts as one token, which is what the regions'
 * streams send (one chunk per token). A stream may send as many chunks as it reserved
 * ({@link Allowance}: its {@link TokenReservation}, drawn from the tenant's one pot, so concurrent
 * streams share the tenant's allowance rather than each getting all of it); past that, the stream
 * ends with an SSE {@code error} event naming the limit, and its reservation settles to the chunks
 * streamed. An answer that ends by itself settles to its usage comment (an NDJSON answer's: its
 * done line), or, without one, to its chunks.
 */
public final class StreamBudget {

    /** Exchange attribute: the {@link Allowance} of an admitted request whose tenant has token limits. */
    public static final String ATTRIBUTE = StreamBudget.class.getName() + ".allowance";

    /** A piece of the answer: in an SSE delta and an Ollama chat line, {@code content}; an Ollama generate line, {@code response}. */
    private static final List<String> PIECES = List.of("\"content\":\"", "\"response\":\"");

    /**
     * What one stream may spend: the tokens it reserved, and the tightest limit they came from.
     *
     * @param tokens   tokens it may stream
     * @param limit    the limit's name
     * @param resetsAt when its window ends
     */
    public record Allowance(long tokens, String limit, Instant resetsAt) {
    }

    private StreamBudget() {
    }

    /**
     * The stream, metered: settled into {@code reservation} (or, without one, counted into
     * {@code ledger}), and cut off past {@code allowance} when there is one. A stream that may be
     * read more than once (a task's events) reports its usage under {@code once}, so that only its
     * first reading counts (the task itself was charged when it was accepted). The error event of a
     * stream cut off is shaped as errors are at {@code path}: OpenAI's on a chat completion's stream.
     */
    public static Flux<DataBuffer> meter(Flux<DataBuffer> body, String tenant, UsageLedger ledger,
            @Nullable TokenReservation reservation, @Nullable Allowance allowance, DataBufferFactory buffers,
            @Nullable String once, String path) {
        return Flux.defer(() -> {
            Lines lines = new Lines();
            AtomicLong streamed = new AtomicLong();
            AtomicBoolean reported = new AtomicBoolean();
            Flux<DataBuffer> metered = body.<DataBuffer>handle((buffer, sink) -> {
                byte[] complete = lines.complete(buffer);
                if (complete == null) {
                    return;
                }
                String text = new String(complete, StandardCharsets.UTF_8);
                io.meridian.protocol.UsageReport usage = TokenUsageReport.reportInStreamChunk(text);
                if (usage != null) {
                    reported.set(true);
                    if (once != null) {
                        ledger.recordOnce(tenant, once, usage.prompt(), usage.completion(),
                                reservation != null ? reservation.price() : Price.FREE);
                    } else if (reservation != null) {
                        reservation.settle(usage.prompt(), usage.completion());
                    } else {
                        ledger.record(tenant, usage.total());
                    }
                    sink.next(buffers.wrap(complete));
                    return;
                }
                int chunks = contentChunks(text);
                if (allowance != null && streamed.get() + chunks > allowance.tokens()) {
                    lines.drop();
                    if (reservation != null) {
                        reservation.settle(streamed.get());
                    }
                    sink.next(buffers.wrap(error(allowance, path).getBytes(StandardCharsets.UTF_8)));
                    sink.complete();
                    return;
                }
                streamed.addAndGet(chunks);
                sink.next(buffers.wrap(complete));
            });
            // Settled as the stream's end passes, before the writer hears of it: once the writer has
            // the end the request may finish, and a request that finishes unsettled pays its whole
            // reservation.
            AtomicBoolean ended = new AtomicBoolean();
            Runnable settle = () -> {
                if (!ended.compareAndSet(false, true) || reported.get() || once != null) {
                    return;
                }
                if (reservation != null) {
                    reservation.settle(streamed.get());
                } else if (streamed.get() > 0) {
                    ledger.record(tenant, streamed.get());
                }
            };
            return metered.concatWith(Mono.fromSupplier(lines::rest).filter(rest -> rest.length > 0).map(buffers::wrap))
                    .doOnTerminate(settle).doOnCancel(settle);
        });
    }

    /**
     * Re-cuts a stream at line ends, so that each event is counted whole (a buffer may end inside an
     * event, or inside a UTF-8 character) and a stream cut off never sends half an event. A line
     * longer than {@value #MAX_LINE} bytes goes on as it is.
     */
    private static final class Lines {

        private static final int MAX_LINE = 64 * 1024;
        private byte[] pending = new byte[0];

        /** The complete lines so far, {@code buffer} included (released), or {@code null} while none is complete. */
        byte @Nullable [] complete(DataBuffer buffer) {
            byte[] all = new byte[pending.length + buffer.readableByteCount()];
            System.arraycopy(pending, 0, all, 0, pending.length);
            buffer.read(all, pending.length, all.length - pending.length);
            DataBufferUtils.release(buffer);
            int end = all.length;
            while (end > 0 && all[end - 1] != '\n') {
                end--;
            }
            if (end == 0 && all.length <= MAX_LINE) {
                pending = all;
                return null;
            }
            if (end == 0) {
                end = all.length;
            }
            pending = Arrays.copyOfRange(all, end, all.length);
            return end == all.length ? all : Arrays.copyOf(all, end);
        }

        void drop() {
            pending = new byte[0];
        }

        /** What came after the last line end, once the stream is over. */
        byte[] rest() {
            byte[] rest = pending;
            pending = new byte[0];
            return rest;
        }
    }

    /** Events in {@code text} that carry a piece of the answer. */
    static int contentChunks(String text) {
        int count = 0;
        for (String piece : PIECES) {
            for (int at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + piece.length())) {
                int next = at + piece.length();
                if (next < text.length() && text.charAt(next) != '"') {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * What ends a cut-off stream: the SSE {@code error} event, its data the protocol's error body; on
     * Ollama's endpoints, whose streams are NDJSON, Ollama's error line.
     */
    private static String error(Allowance allowance, String path) {
        ErrorBody body = new ErrorBody(ErrorCodes.LIMIT_EXCEEDED, "the answer was cut off: it would have taken "
                + "this API key past its " + allowance.limit().replace('_', ' ') + "; it resets at " + allowance.resetsAt(),
                allowance.limit(), 429);
        if (OllamaErrors.isOllamaPath(path)) {
            return body.toJson(path) + "\n";
        }
        return "event: error\ndata: " + body.toJson(path) + "\n\n";
    }
}
