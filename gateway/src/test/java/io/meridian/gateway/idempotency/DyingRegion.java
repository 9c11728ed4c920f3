package io.meridian.gateway.idempotency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A region's task server over plain HTTP/1.1 that can die as a killed process does under a
 * gateway holding kept-alive connections to it: the request that is in it when it dies has its
 * connection reset, nothing listens on its port any more, and each connection the gateway still
 * holds is reset when the gateway next sends on it (the order in which a peer's resets reach the
 * gateway is not the order in which it uses its connections). Until then it answers every request
 * 200 after {@code answerDelayMillis}, in a task server's shape, keeping the connection alive.
 */
final class DyingRegion implements AutoCloseable {

    private final String id;
    private final int port;
    private volatile ServerSocket listener;
    private volatile Thread acceptor;
    private final long answerDelayMillis;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicBoolean dieOnNextSubmit = new AtomicBoolean();
    private final AtomicBoolean dead = new AtomicBoolean();
    private final AtomicInteger submits = new AtomicInteger();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final long origin = System.nanoTime();

    DyingRegion(String id, long answerDelayMillis) throws IOException {
        this.id = id;
        this.answerDelayMillis = answerDelayMillis;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = listener.getLocalPort();
        this.acceptor = Thread.ofPlatform().daemon().name("dying-region-accept").start(this::accept);
    }

    int port() {
        return port;
    }

    /** Started again on the same port, as a restarted process would be, with no connection and no events. */
    void revive() throws IOException {
        if (!dead.get()) {
            return;
        }
        close();
        connections.clear();
        events.clear();
        ServerSocket again = new ServerSocket();
        again.setReuseAddress(true);
        again.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        listener = again;
        dead.set(false);
        acceptor = Thread.ofPlatform().daemon().name("dying-region-accept").start(this::accept);
    }

    /** Connections the gateway opened so far. */
    int connectionsOpened() {
        return connections.size();
    }

    /** {@code POST /process} requests received, the one it died in included. */
    int submits() {
        return submits.get();
    }

    /** The next {@code POST /process} kills the region while it holds it. */
    void dieOnNextSubmit() {
        dieOnNextSubmit.set(true);
    }

    private void accept() {
        ServerSocket accepting = listener;
        while (!accepting.isClosed()) {
            try {
                Socket socket = accepting.accept();
                connections.add(socket);
                note("accepted :" + socket.getPort());
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                note(":" + socket.getPort() + " " + head.lines().findFirst().orElse("") + (dead.get() ? " (dead: reset)" : ""));
                if (dead.get()) {
                    reset(socket);
                    return;
                }
                skipBody(in, head);
                boolean submit = head.startsWith("POST /process ");
                if (submit) {
                    submits.incrementAndGet();
                    if (dieOnNextSubmit.compareAndSet(true, false)) {
                        dead.set(true);
                        stopListening();
                        note("died; nothing listens");
                        reset(socket);
                        return;
                    }
                }
                Thread.sleep(answerDelayMillis);
                byte[] body = ("{\"region\":\"" + id + "\",\"answer\":\"ok\",\"model\":\"simulated\",\"backend\":\"simulated\"}")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Meridian-Region: " + id
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // The gateway closed the connection, or the test ended.
        }
    }

    /**
     * Closes the listening socket and waits until nothing listens: a socket closed while another
     * thread waits in {@code accept} lives on in the kernel until that call returns, and would
     * complete a connection meanwhile, which a killed process never does.
     */
    private void stopListening() throws IOException, InterruptedException {
        listener.close();
        acceptor.join(Duration.ofSeconds(10));
    }

    /** What happened, in order, with milliseconds since the region started: for a test's failure message. */
    String events() {
        return String.join("\n", events);
    }

    private void note(String event) {
        events.add((System.nanoTime() - origin) / 1_000_000 + " ms " + event);
    }

    /** Closes with a reset (RST) rather than an orderly FIN, as the kernel does for a killed process. */
    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** A request's line and headers, or {@code null} at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int next = in.read();
            if (next < 0) {
                return null;
            }
            head.write(next);
            matched = next == end[matched] ? matched + 1 : next == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                long length = Long.parseLong(line.substring("content-length:".length()).strip());
                in.readNBytes(Math.toIntExact(length));
            }
        }
    }

    @Override
    public void close() throws IOException {
        dead.set(true);
        try {
            stopListening();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
