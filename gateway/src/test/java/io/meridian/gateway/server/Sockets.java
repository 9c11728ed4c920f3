package io.meridian.gateway.server;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Raw-socket steps for the listener tests: send bytes, read one answer, wait for the server to close. */
final class Sockets {

    /** Generous: the tests configure timeouts of about a second, on a busy machine. */
    static final Duration CLOSED_WITHIN = Duration.ofSeconds(20);

    private Sockets() {
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Waits until the server has closed {@code socket} (a read returns end of stream or fails). */
    static void awaitClosed(Socket socket) throws IOException {
        socket.setSoTimeout(100);
        await().atMost(CLOSED_WITHIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(() -> closed(socket));
    }

    /** Whether the server has closed the connection; data that arrives meanwhile is dropped. */
    static boolean closed(Socket socket) {
        try {
            byte[] buffer = new byte[8192];
            return socket.getInputStream().read(buffer) < 0;
        } catch (SocketTimeoutException ex) {
            return false;
        } catch (IOException ex) {
            return true; // reset: closed as well
        }
    }

    /** Reads one answer with a {@code Content-Length} body; the connection stays open. */
    static String readAnswer(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int headerEnd = -1;
        long length = -1;
        while (true) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            out.write(next);
            String text = out.toString(StandardCharsets.ISO_8859_1);
            if (headerEnd < 0 && text.endsWith("\r\n\r\n")) {
                headerEnd = text.length();
                length = contentLength(text);
            }
            if (headerEnd >= 0 && text.length() - headerEnd >= length) {
                break;
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
    }
}
