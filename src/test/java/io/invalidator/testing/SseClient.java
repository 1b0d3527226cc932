package io.invalidator.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A minimal SSE client for tests, on a plain socket so that it behaves like a real peer: {@link #close()} closes the
 * TCP connection at once (as a closed browser tab does), and a client that stops reading can be simulated.
 */
public final class SseClient implements AutoCloseable {

    private static final Pattern TYPE = Pattern.compile("\"type\":\"([^\"]+)\"");

    /** One SSE frame; fields absent from the frame are null. */
    public record Frame(String id, String data, String comment, String retry) {
        public String type() {
            if (data == null) {
                return null;
            }
            Matcher m = TYPE.matcher(data);
            return m.find() ? m.group(1) : null;
        }
    }

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final List<String[]> fields = new ArrayList<>();
    private final Socket socket = new Socket();
    private final Map<String, String> responseHeaders = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int status;
    private volatile boolean ended;

    private SseClient() {
    }

    /** Opens the stream at {@code url} and returns at once; the connection is read in a virtual thread. */
    public static SseClient open(String url) {
        return open(url, Map.of());
    }

    public static SseClient open(String url, Map<String, String> headers) {
        SseClient client = new SseClient();
        URI uri = URI.create(url);
        try {
            client.socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            StringBuilder request = new StringBuilder("GET ").append(uri.getRawPath())
                    .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                    .append("Accept: text/event-stream\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            OutputStream out = client.socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("sse-client").start(client::read);
        return client;
    }

    /**
     * Waits for the stream's first frame, which the server sends once the stream is live: a {@code resync} event, or
     * a {@code :resumed} comment for a client that came back with Last-Event-ID.
     */
    public SseClient awaitLive() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !frames.isEmpty());
        return this;
    }

    public int status() {
        return status;
    }

    /** A response header (lower-case name), once the headers have arrived. */
    public String header(String name) {
        return responseHeaders.get(name.toLowerCase(Locale.ROOT));
    }

    /** True once the server ended the stream or the connection broke. */
    public boolean ended() {
        return ended;
    }

    public List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** Frames carrying data (events), in order. */
    public List<Frame> events() {
        return frames.stream().filter(f -> f.data() != null).toList();
    }

    public List<Frame> eventsOfType(String type) {
        return events().stream().filter(f -> type.equals(f.type())).toList();
    }

    public List<Frame> comments() {
        return frames.stream().filter(f -> f.comment() != null).toList();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    private void read() {
        try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
            String statusLine = readLine(in);
            if (statusLine == null) {
                return;
            }
            status = Integer.parseInt(statusLine.split(" ")[1]);
            boolean chunked = false;
            for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                responseHeaders.put(name, value);
                chunked |= name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked");
            }
            InputStream body = chunked ? new ChunkedInputStream(in) : in;
            for (String line = readLine(body); line != null; line = readLine(body)) {
                onLine(line);
            }
            flush();
        } catch (IOException | RuntimeException e) {
            // the connection is gone
        } finally {
            ended = true;
        }
    }

    private void onLine(String line) {
        if (line.isEmpty()) {
            flush();
            return;
        }
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
        fields.add(new String[] { name, value });
    }

    private void flush() {
        if (fields.isEmpty()) {
            return;
        }
        String id = null, data = null, comment = null, retry = null;
        for (String[] f : fields) {
            switch (f[0]) {
                case "" -> comment = f[1];
                case "id" -> id = f[1];
                case "data" -> data = data == null ? f[1] : data + "\n" + f[1];
                case "retry" -> retry = f[1];
                default -> {
                }
            }
        }
        fields.clear();
        frames.add(new Frame(id, data, comment, retry));
    }

    /** A line without its terminator ({@code \n} or {@code \r\n}), or null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); ; b = in.read()) {
            if (b == -1) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    /** Decodes HTTP/1.1 chunked transfer encoding. */
    private static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (remaining == 0) {
                String size = readLine(in);
                if (size != null && size.isEmpty()) {
                    size = readLine(in); // the CRLF that ends the previous chunk
                }
                if (size == null) {
                    done = true;
                    return -1;
                }
                remaining = Long.parseLong(size.split(";")[0].trim(), 16);
                if (remaining == 0) {
                    done = true;
                    return -1;
                }
            }
            int b = in.read();
            if (b == -1) {
                done = true;
                return -1;
            }
            remaining--;
            return b;
        }
    }
}
