import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Fan-out benchmark of the invalidation stream: JDK only, run as a single-file source program
 * ({@code java bench/FanoutBench.java ...}; {@code bench/run.sh} runs the whole series).
 * <p>
 * One {@code run} starts two instances of a stack (this service, or the tRPC peer) sharing PostgreSQL and Redis,
 * spreads C SSE clients over both (non-blocking NIO sockets, a couple of selector threads), sends mutations through
 * the API of instance 1 and records, for every delivery, the time from the mutation request being written to the
 * client reading the event. It also reads RSS and CPU time of both instances from /proc, measures mutation latency
 * without and with the streams open and a sustained mutation rate, then stops the instances and appends one row to
 * {@code results.csv}. {@code floor} measures Redis PUBLISH → subscriber latency on a plain RESP socket.
 * <p>
 * Every wait is bounded; a watchdog ends the program (and the instances it started) after {@code --max-seconds}.
 */
public class FanoutBench {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Watchdog.start(args.integer("max-seconds", 900));
        switch (args.string("mode", "run")) {
            case "run" -> new FanoutBench().new Run(args).execute();
            case "floor" -> Floor.execute(args);
            default -> throw new IllegalArgumentException("--mode run|floor");
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Arguments

    static final class Args {
        final Map<String, String> values = new LinkedHashMap<>();

        Args(String[] argv) {
            for (int i = 0; i < argv.length; i++) {
                if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got " + argv[i]);
                }
                values.put(argv[i].substring(2), argv[++i]);
            }
        }

        String string(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        int integer(String name, int fallback) {
            return Integer.parseInt(string(name, String.valueOf(fallback)));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The stacks under test

    /** How to start one stack, open a stream, send a mutation and find the todos to mutate. */
    interface Stack {
        String name();

        ProcessBuilder command(int instance, int port, Path log);

        String readyPath();

        String streamPath();

        byte[] mutation(int port, long todoId);

        /** The Redis channel every mutation's event is published to (the bus tap listens there). */
        String globalChannel();

        /** Prometheus metrics of an instance, or null. */
        default String metricsPath() {
            return null;
        }

        /** SQL run with psql once both instances are ready; prints the ids of at least {@code n} mutable todos. */
        String prepareSql(int n);
    }

    /** This JVM's java with the service's heap options (the Spring peer gets the same). */
    static List<String> java(Args args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(args.string("heap", "-Xms64m -Xmx512m").trim().split("\\s+")));
        return cmd;
    }

    /** The environment both peers read (see their READMEs). */
    static ProcessBuilder peerEnvironment(ProcessBuilder pb, Args args, int port, String env, String schema) {
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("APP_ENV", env);
        pb.environment().put("DB_SCHEMA", schema);
        pb.environment().put("SEED_ROWS", String.valueOf(args.integer("todos", 6000)));
        pb.environment().put("LOG_LEVEL", "warn");
        return pb;
    }

    static byte[] completeRequest(int port, long todoId) {
        return ("POST /api/todos/" + todoId + "/complete HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static final class Invalidator implements Stack {
        final Args args;

        Invalidator(Args args) {
            this.args = args;
        }

        public String name() {
            return "invalidator";
        }

        public ProcessBuilder command(int instance, int port, Path log) {
            List<String> cmd = java(args);
            String jfr = args.string("jfr", "");
            if (!jfr.isEmpty() && instance == 0) {
                cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
            }
            cmd.add("-Dquarkus.http.host=127.0.0.1");
            cmd.add("-Dquarkus.http.port=" + port);
            cmd.add("-Dinvalidation.env=" + args.string("env", "bench"));
            cmd.add("-Dinvalidator.schema=" + args.string("schema", "invalidator_bench"));
            cmd.add("-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test");
            cmd.add("-jar");
            cmd.add(args.string("jar", "target/quarkus-app/quarkus-run.jar"));
            return new ProcessBuilder(cmd);
        }

        public String readyPath() {
            return "/q/health/ready";
        }

        public String globalChannel() {
            return args.string("env", "bench") + "_invalidate:global";
        }

        public String metricsPath() {
            return "/q/metrics";
        }

        public String streamPath() {
            return "/api/invalidations";
        }

        public byte[] mutation(int port, long todoId) {
            return completeRequest(port, todoId);
        }

        public String prepareSql(int n) {
            // Completing a todo twice publishes nothing (idempotent), so every mutation needs an OPEN todo.
            String t = args.string("schema", "invalidator_bench") + ".todo";
            return "INSERT INTO " + t + " (title, status) SELECT 'bench ' || g, 'OPEN' FROM generate_series(1, "
                    + "GREATEST(0, " + n + " - (SELECT count(*) FROM " + t + "))) g; "
                    + "UPDATE " + t + " SET status = 'OPEN' WHERE status <> 'OPEN'; "
                    + "SELECT id FROM " + t + " ORDER BY id LIMIT " + n + ";";
        }
    }

    static final class Trpc implements Stack {
        final Args args;

        Trpc(Args args) {
            this.args = args;
        }

        public String name() {
            return "trpc-redis";
        }

        public ProcessBuilder command(int instance, int port, Path log) {
            ProcessBuilder pb = new ProcessBuilder("node", "dist/server.js");
            pb.directory(new File(args.string("peer-dir", "/tmp/peer-trpc")));
            return peerEnvironment(pb, args, port, args.string("peer-env", "benchpeer"),
                    args.string("peer-schema", "peer_trpc_bench"));
        }

        public String readyPath() {
            return "/healthz";
        }

        public String streamPath() {
            return "/trpc/onInvalidate";
        }

        public String globalChannel() {
            return args.string("peer-env", "benchpeer") + "_invalidate:global";
        }

        public byte[] mutation(int port, long todoId) {
            byte[] body = ("{\"todoId\":" + todoId + "}").getBytes(StandardCharsets.US_ASCII);
            String head = "POST /trpc/todo.complete HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[h.length + body.length];
            System.arraycopy(h, 0, all, 0, h.length);
            System.arraycopy(body, 0, all, h.length, body.length);
            return all;
        }

        public String prepareSql(int n) {
            // The peer publishes on every todo.complete, even for a todo already DONE; it seeded SEED_ROWS rows.
            return "SELECT id FROM " + args.string("peer-schema", "peer_trpc_bench") + ".todos ORDER BY id LIMIT "
                    + n + ";";
        }
    }

    /** The optional second peer: Spring WebFlux + Spring Data Redis + R2DBC, run with the service's heap options. */
    static final class Spring implements Stack {
        final Args args;

        Spring(Args args) {
            this.args = args;
        }

        public String name() {
            return "spring-redis";
        }

        public String globalChannel() {
            return args.string("spring-env", "benchspring") + "_invalidate:global";
        }

        public ProcessBuilder command(int instance, int port, Path log) {
            List<String> cmd = java(args);
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-jar");
            cmd.add(args.string("spring-jar", "/tmp/peer-spring/target/spring-redis-peer.jar"));
            return peerEnvironment(new ProcessBuilder(cmd), args, port, args.string("spring-env", "benchspring"),
                    args.string("spring-schema", "peer_spring_bench"));
        }

        public String readyPath() {
            return "/healthz";
        }

        public String streamPath() {
            return "/api/invalidations";
        }

        public byte[] mutation(int port, long todoId) {
            return completeRequest(port, todoId); // the same API as this service
        }

        public String prepareSql(int n) {
            // This peer publishes on every complete, even for a completed todo; it seeded SEED_ROWS rows.
            return "SELECT id FROM " + args.string("spring-schema", "peer_spring_bench") + ".todos ORDER BY id LIMIT "
                    + n + ";";
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Statistics

    /** Log-linear histogram of microseconds (exact below 128 µs, 64 sub-buckets per power of two above). */
    static final class Histo {
        private static final int SUB = 64;
        final AtomicLongArray counts = new AtomicLongArray(128 + 40 * SUB);
        final AtomicLong count = new AtomicLong();
        final AtomicLong max = new AtomicLong();

        void record(long micros) {
            long v = Math.max(0, micros);
            counts.incrementAndGet(index(v));
            count.incrementAndGet();
            max.accumulateAndGet(v, Math::max);
        }

        private static int index(long v) {
            if (v < 128) {
                return (int) v;
            }
            int e = 63 - Long.numberOfLeadingZeros(v);
            int sub = (int) ((v >> (e - 6)) & (SUB - 1));
            return Math.min(128 + (e - 7) * SUB + sub, 128 + 40 * SUB - 1);
        }

        private static long value(int index) {
            if (index < 128) {
                return index;
            }
            int e = (index - 128) / SUB + 7;
            int sub = (index - 128) % SUB;
            long low = (long) (SUB + sub) << (e - 6);
            return low + ((1L << (e - 6)) >> 1);
        }

        /** The p-quantile in microseconds (p in 0..1), or -1 without samples. */
        long percentile(double p) {
            long n = count.get();
            if (n == 0) {
                return -1;
            }
            long rank = Math.max(1, (long) Math.ceil(p * n));
            long seen = 0;
            for (int i = 0; i < counts.length(); i++) {
                seen += counts.get(i);
                if (seen >= rank) {
                    return Math.min(value(i), max.get());
                }
            }
            return max.get();
        }

        String ms(double p) {
            long v = p >= 1 ? max.get() : percentile(p);
            return v < 0 ? "" : String.format(Locale.ROOT, "%.2f", v / 1000.0);
        }
    }

    /** The deliveries belonging to one group of mutations. */
    static final class Phase {
        final String name;
        final Histo latency = new Histo();
        final AtomicLong received = new AtomicLong();
        final AtomicLong duplicated = new AtomicLong();
        final AtomicLong lastDelivery = new AtomicLong();

        Phase(String name) {
            this.name = name;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // SSE clients: NIO sockets on a few selector threads

    static final class Conn {
        final int index;
        final int instance;
        final SocketChannel channel;
        ByteBuffer request;
        int state; // 0 headers, 1 chunk size, 2 chunk data, 3 chunk CRLF, 4 identity body, 9 done
        final ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        long chunkLeft;
        byte[] line = new byte[160];
        int lineLen;
        boolean opened;
        boolean closed;
        boolean sawFirst;
        volatile int events;
        final BitSet received = new BitSet();
        /** Receive time of the i-th measured fan-out's event (0: not received). */
        long[] fanRecv = new long[0];

        Conn(int index, int instance, SocketChannel channel) {
            this.index = index;
            this.instance = instance;
            this.channel = channel;
        }
    }

    final class Loop implements Runnable {
        final Selector selector;
        final Queue<Conn> incoming = new ConcurrentLinkedQueue<>();
        final byte[] bytes = new byte[1 << 16];
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        volatile boolean stop;

        Loop() throws IOException {
            selector = Selector.open();
        }

        void add(Conn conn) {
            incoming.add(conn);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!stop) {
                    selector.select(100);
                    for (Conn c; (c = incoming.poll()) != null; ) {
                        c.channel.register(selector, SelectionKey.OP_CONNECT, c);
                    }
                    var keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        Conn conn = (Conn) key.attachment();
                        try {
                            if (key.isConnectable()) {
                                conn.channel.finishConnect();
                                key.interestOps(SelectionKey.OP_WRITE);
                            } else if (key.isWritable()) {
                                conn.channel.write(conn.request);
                                if (!conn.request.hasRemaining()) {
                                    conn.request = null;
                                    key.interestOps(SelectionKey.OP_READ);
                                }
                            } else if (key.isReadable()) {
                                read(key, conn);
                            }
                        } catch (IOException | RuntimeException e) {
                            lost(key, conn, e);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void read(SelectionKey key, Conn conn) throws IOException {
            while (true) {
                buffer.clear();
                int n = conn.channel.read(buffer);
                if (n < 0) {
                    lost(key, conn, null);
                    return;
                }
                if (n == 0) {
                    return;
                }
                long now = System.nanoTime();
                consume(conn, bytes, n, now);
                if (conn.state == 9) {
                    lost(key, conn, null);
                    return;
                }
                if (n < bytes.length) {
                    return;
                }
            }
        }

        private void lost(SelectionKey key, Conn conn, Exception cause) {
            key.cancel();
            try {
                conn.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            if (!conn.closed) {
                conn.closed = true;
                if (stop || shuttingDownClients) {
                    return;
                }
                closedStreams.incrementAndGet();
                if (!conn.opened) {
                    failedStreams.incrementAndGet();
                    connectPermits.release();
                }
                if (firstLoss.compareAndSet(0, 1)) {
                    log("stream " + conn.index + " ended: " + (cause == null ? "EOF" : cause.toString()));
                }
            }
        }
    }

    // HTTP response + chunked decoding + SSE lines, byte by byte (the events are tiny).
    void consume(Conn c, byte[] b, int n, long now) {
        int i = 0;
        while (i < n && c.state != 9) {
            switch (c.state) {
                case 0 -> {
                    c.head.write(b[i++]);
                    int len = c.head.size();
                    if (len >= 4) {
                        byte[] h = c.head.toByteArray();
                        if (h[len - 4] == '\r' && h[len - 3] == '\n' && h[len - 2] == '\r' && h[len - 1] == '\n') {
                            String head = new String(h, StandardCharsets.ISO_8859_1);
                            int status = Integer.parseInt(head.substring(9, 12));
                            if (status != 200) {
                                if (badStatus.compareAndSet(0, status)) {
                                    log("stream status " + head.lines().findFirst().orElse(""));
                                }
                                c.state = 9;
                                return;
                            }
                            c.state = head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked") ? 1 : 4;
                            c.chunkLeft = 0;
                        }
                    }
                }
                case 1 -> {
                    byte x = b[i++];
                    int d = Character.digit(x, 16);
                    if (d >= 0 && c.chunkLeft >= 0) {
                        c.chunkLeft = c.chunkLeft * 16 + d;
                    } else if (x == ';') {
                        c.chunkLeft = -c.chunkLeft - 1; // extension: stop reading digits (encoded negative)
                    } else if (x == '\n') {
                        long size = c.chunkLeft < 0 ? -(c.chunkLeft + 1) : c.chunkLeft;
                        if (size == 0) {
                            c.state = 9;
                        } else {
                            c.chunkLeft = size;
                            c.state = 2;
                        }
                    }
                }
                case 2 -> {
                    int k = (int) Math.min(c.chunkLeft, n - i);
                    body(c, b, i, k, now);
                    i += k;
                    c.chunkLeft -= k;
                    if (c.chunkLeft == 0) {
                        c.state = 3;
                    }
                }
                case 3 -> {
                    if (b[i++] == '\n') {
                        c.state = 1;
                        c.chunkLeft = 0;
                    }
                }
                case 4 -> {
                    body(c, b, i, n - i, now);
                    i = n;
                }
                default -> i = n;
            }
        }
    }

    private void body(Conn c, byte[] b, int from, int len, long now) {
        for (int i = from; i < from + len; i++) {
            byte x = b[i];
            if (x == '\n') {
                line(c, now);
                c.lineLen = 0;
            } else if (x != '\r') {
                if (c.lineLen == c.line.length) {
                    c.line = java.util.Arrays.copyOf(c.line, Math.min(c.line.length * 2, 1 << 16));
                }
                if (c.lineLen < c.line.length) {
                    c.line[c.lineLen++] = x;
                }
            }
        }
    }

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TODO_ID = "\"todoId\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESYNC = "\"type\":\"resync\"".getBytes(StandardCharsets.US_ASCII);

    private void line(Conn c, long now) {
        if (!startsWith(c.line, c.lineLen, DATA)) {
            return;
        }
        if (!c.opened) {
            c.opened = true; // first frame: resync (service) or `connected` (peer)
            openedStreams.incrementAndGet();
            connectPermits.release();
        }
        if (indexOf(c.line, c.lineLen, TODO_ID) < 0) {
            if (c.sawFirst && indexOf(c.line, c.lineLen, RESYNC) >= 0) {
                resyncs.incrementAndGet(); // the service says "you may have missed something"
            }
            c.sawFirst = true;
            return;
        }
        int idx = mutationOf(c.line, c.lineLen);
        if (idx < 0) {
            return;
        }
        long sent = sendNanos.get(idx);
        Phase phase = phaseOf[idx];
        if (sent == 0 || phase == null) {
            strayEvents.incrementAndGet();
            return;
        }
        if (c.received.get(idx)) {
            phase.duplicated.incrementAndGet();
            return;
        }
        c.received.set(idx);
        c.events++;
        int order = fanOrder[idx];
        if (order >= 0 && order < c.fanRecv.length) {
            c.fanRecv[order] = now;
        }
        phase.latency.record((now - sent) / 1000);
        phase.lastDelivery.accumulateAndGet(now, Math::max);
        phase.received.incrementAndGet();
        receivedBy.incrementAndGet(idx);
    }

    /** The index of the mutation whose todo an event names ({@code "todoId":<n>}), or -1. */
    private int mutationOf(byte[] a, int len) {
        int at = indexOf(a, len, TODO_ID);
        if (at < 0) {
            return -1;
        }
        long todoId = 0;
        for (int i = at + TODO_ID.length; i < len && a[i] >= '0' && a[i] <= '9'; i++) {
            todoId = todoId * 10 + (a[i] - '0');
        }
        return todoId < indexOfTodo.length ? indexOfTodo[(int) todoId] : -1;
    }

    private static boolean startsWith(byte[] a, int len, byte[] p) {
        if (len < p.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (a[i] != p[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, int len, byte[] p) {
        outer:
        for (int i = 0; i + p.length <= len; i++) {
            for (int j = 0; j < p.length; j++) {
                if (a[i + j] != p[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Mutations: plain blocking HTTP/1.1 with keep-alive

    static final class Http implements Closeable {
        final int port;
        Socket socket;
        InputStream in;
        OutputStream out;

        Http(int port) {
            this.port = port;
        }

        /** Writes the request, reads the whole response; returns the status. */
        int exchange(byte[] request) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(120_000);
                in = new BufferedInputStream(socket.getInputStream(), 8192);
                out = socket.getOutputStream();
            }
            out.write(request);
            out.flush();
            String status = readLine();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h; !(h = readLine()).isEmpty(); ) {
                String l = h.toLowerCase(Locale.ROOT);
                if (l.startsWith("content-length:")) {
                    length = Long.parseLong(l.substring(15).trim());
                } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                    chunked = true;
                } else if (l.startsWith("connection:") && l.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (long size; (size = Long.parseLong(readLine().split(";")[0].trim(), 16)) > 0; ) {
                    in.skipNBytes(size);
                    readLine();
                }
                readLine();
            } else if (length > 0) {
                in.skipNBytes(length);
            }
            if (close) {
                close();
            }
            return code;
        }

        private String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // gone anyway
                }
                socket = null;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Run state (read by the selector threads)

    int[] indexOfTodo = new int[0];
    long[] todoOfIndex;
    AtomicLongArray sendNanos;
    /** When the bus tap saw each mutation's event on Redis (0: not yet). */
    AtomicLongArray busNanos;
    /** Fan-out phase only: the order of each mutation in the phase (-1: not measured). */
    int[] fanOrder;
    volatile Phase[] phaseOf;
    AtomicIntegerArray receivedBy;
    final AtomicInteger nextIndex = new AtomicInteger();
    final AtomicInteger openedStreams = new AtomicInteger();
    final AtomicInteger closedStreams = new AtomicInteger();
    final AtomicInteger failedStreams = new AtomicInteger();
    final AtomicInteger badStatus = new AtomicInteger();
    final AtomicInteger firstLoss = new AtomicInteger();
    final AtomicLong strayEvents = new AtomicLong();
    final AtomicLong resyncs = new AtomicLong();
    final AtomicInteger mutationErrors = new AtomicInteger();
    final Semaphore connectPermits = new Semaphore(256);
    volatile boolean shuttingDownClients;

    static void log(String message) {
        System.err.printf("%s [bench] %s%n", Instant.now().toString().substring(11, 23), message);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // One run: one stack at one C

    final class Run {
        final Args args;
        final Stack stack;
        final int clients;
        final int mutations;
        final Path outDir;
        final List<Process> processes = new ArrayList<>();
        final int[] ports = new int[2];
        final Map<String, String> row = new LinkedHashMap<>();

        Run(Args args) {
            this.args = args;
            this.stack = switch (args.string("stack", "invalidator")) {
                case "invalidator" -> new Invalidator(args);
                case "trpc", "trpc-redis" -> new Trpc(args);
                case "spring", "spring-redis" -> new Spring(args);
                default -> throw new IllegalArgumentException("--stack invalidator|trpc|spring");
            };
            this.clients = args.integer("clients", 200);
            this.mutations = args.integer("mutations", 30);
            this.outDir = Path.of(args.string("out", "target/bench"));
        }

        Run execute() throws Exception {
            Files.createDirectories(outDir.resolve("logs"));
            long t0 = System.nanoTime();
            row.put("stack", stack.name());
            row.put("clients", String.valueOf(clients));
            row.put("mutations", String.valueOf(mutations));
            row.put("started", Instant.now().toString());
            row.put("load1_start", load1());
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopInstances));
            try {
                startInstances();
                long[] cpu0 = {cpuTicks(pid(0)), cpuTicks(pid(1))};
                prepare();
                startBusTap();
                measure();
                row.put("cpu1_s", seconds(cpuTicks(pid(0)) - cpu0[0]));
                row.put("cpu2_s", seconds(cpuTicks(pid(1)) - cpu0[1]));
                row.put("cpu1_total_s", seconds(cpuTicks(pid(0))));
                row.put("cpu2_total_s", seconds(cpuTicks(pid(1))));
                row.put("rss_end1_mib", mib(rssKiB(pid(0))));
                row.put("rss_end2_mib", mib(rssKiB(pid(1))));
            } finally {
                row.put("load1_end", load1());
                row.put("duration_s", String.format(Locale.ROOT, "%.0f", (System.nanoTime() - t0) / 1e9));
                stopInstances();
                if (busTap != null) {
                    busTap.close();
                }
                write();
            }
            return this;
        }

        // --- instances

        void startInstances() throws Exception {
            for (int i = 0; i < 2; i++) {
                ports[i] = freePort();
                Path log = outDir.resolve("logs").resolve(stack.name() + "-c" + clients + "-" + (i + 1) + ".log");
                ProcessBuilder pb = stack.command(i, ports[i], log).redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                Process p = pb.start();
                processes.add(p);
                log("started " + stack.name() + " instance " + (i + 1) + " pid " + p.pid() + " on port " + ports[i]);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (int i = 0; i < 2; i++) {
                while (true) {
                    if (!processes.get(i).isAlive()) {
                        throw new IllegalStateException("instance " + (i + 1) + " exited; see logs in " + outDir);
                    }
                    if (status(ports[i], stack.readyPath()) == 200) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("instance " + (i + 1) + " not ready within 120 s");
                    }
                    sleep(200);
                }
            }
            log("both instances ready");
        }

        long pid(int i) {
            return processes.get(i).pid();
        }

        void stopInstances() {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                try {
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        }

        // --- the bus tap: a plain RESP subscriber on the stack's global channel notes when each event passed Redis

        Socket busTap;

        void startBusTap() throws IOException {
            busTap = Floor.redis();
            busTap.setSoTimeout(0);
            InputStream in = new BufferedInputStream(busTap.getInputStream());
            busTap.getOutputStream().write(Floor.resp("SUBSCRIBE", stack.globalChannel()));
            Thread.ofPlatform().daemon().name("bus-tap").start(() -> {
                try {
                    while (true) {
                        byte[] payload = Floor.message(in);
                        if (payload != null) {
                            tapped(payload, System.nanoTime());
                        }
                    }
                } catch (IOException closed) {
                    // the run is over
                }
            });
        }

        void tapped(byte[] payload, long now) {
            int idx = mutationOf(payload, payload.length);
            if (idx >= 0) {
                busNanos.compareAndSet(idx, 0, now);
            }
        }

        // --- the todos the mutations touch (one per mutation, so every event is attributable)

        void prepare() throws Exception {
            int n = args.integer("todos", 6000);
            Process psql = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qAt",
                    "-v", "ON_ERROR_STOP=1", "-c", stack.prepareSql(n)).redirectErrorStream(true).start();
            String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!psql.waitFor(60, TimeUnit.SECONDS) || psql.exitValue() != 0) {
                throw new IllegalStateException("psql failed: " + out);
            }
            long[] ids = out.lines().map(String::trim).filter(s -> s.matches("\\d+")).mapToLong(Long::parseLong)
                    .toArray();
            if (ids.length < n / 2) {
                throw new IllegalStateException("only " + ids.length + " todos to mutate: " + out);
            }
            long maxId = java.util.Arrays.stream(ids).max().orElse(0);
            int[] map = new int[(int) maxId + 1];
            java.util.Arrays.fill(map, -1);
            for (int i = 0; i < ids.length; i++) {
                map[(int) ids[i]] = i;
            }
            todoOfIndex = ids;
            sendNanos = new AtomicLongArray(ids.length);
            busNanos = new AtomicLongArray(ids.length);
            fanOrder = new int[ids.length];
            java.util.Arrays.fill(fanOrder, -1);
            receivedBy = new AtomicIntegerArray(ids.length);
            phaseOf = new Phase[ids.length];
            indexOfTodo = map;
            log(ids.length + " todos ready to mutate");
        }

        int take() {
            int idx = nextIndex.getAndIncrement();
            if (idx >= todoOfIndex.length) {
                throw new IllegalStateException("out of todos: raise --todos");
            }
            return idx;
        }

        /** One mutation on instance 1; returns its latency in µs, or -1 on failure. */
        long mutate(Http http, Phase phase) {
            int idx = take();
            byte[] request = stack.mutation(ports[0], todoOfIndex[idx]);
            Phase[] phases = phaseOf;
            phases[idx] = phase;
            long start = System.nanoTime();
            sendNanos.set(idx, start);
            try {
                int code = http.exchange(request);
                long micros = (System.nanoTime() - start) / 1000;
                if (code != 200) {
                    if (mutationErrors.getAndIncrement() == 0) {
                        log("mutation status " + code);
                    }
                    return -1;
                }
                return micros;
            } catch (IOException e) {
                mutationErrors.incrementAndGet();
                log("mutation failed: " + e);
                http.close();
                return -1;
            }
        }

        // --- the measurement

        void measure() throws Exception {
            Phase noStreams = new Phase("no-streams");
            Histo mutBase = new Histo();
            try (Http http = new Http(ports[0])) {
                for (int i = 0; i < args.integer("warmup", 500); i++) {
                    mutate(http, noStreams);
                }
                for (int i = 0; i < args.integer("base", 200); i++) {
                    long us = mutate(http, noStreams);
                    if (us >= 0) {
                        mutBase.record(us);
                    }
                }
            }
            row.put("mut_base_p50_ms", mutBase.ms(0.5));
            row.put("mut_base_p99_ms", mutBase.ms(0.99));
            sleep(2000);
            long idle1 = rssKiB(pid(0));
            long idle2 = rssKiB(pid(1));
            row.put("rss_idle1_mib", mib(idle1));
            row.put("rss_idle2_mib", mib(idle2));

            // C streams, alternating between the instances, at most 256 connecting at a time.
            int loopsCount = args.integer("loops", 2);
            List<Loop> loops = new ArrayList<>();
            for (int i = 0; i < loopsCount; i++) {
                Loop loop = new Loop();
                loops.add(loop);
                Thread t = new Thread(loop, "sse-loop-" + i);
                t.setDaemon(true);
                t.start();
            }
            int sources = args.integer("sources", 1);
            List<Conn> conns = new ArrayList<>(clients);
            long openStart = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                if (!connectPermits.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("streams stopped opening at " + i);
                }
                int instance = i % 2;
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (sources > 1) {
                    ch.bind(new InetSocketAddress("127.0.0." + (2 + i % sources), 0));
                }
                Conn conn = new Conn(i, instance, ch);
                conn.fanRecv = new long[mutations];
                conn.request = ByteBuffer.wrap(("GET " + stack.streamPath() + " HTTP/1.1\r\nHost: 127.0.0.1:"
                        + ports[instance] + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                ch.connect(new InetSocketAddress("127.0.0.1", ports[instance]));
                conns.add(conn);
                loops.get(i % loopsCount).add(conn);
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (openedStreams.get() + failedStreams.get() < clients && System.nanoTime() < waitUntil) {
                sleep(20);
            }
            row.put("open_s", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - openStart) / 1e9));
            row.put("streams_open", String.valueOf(openedStreams.get()));
            row.put("streams_failed", String.valueOf(failedStreams.get()));
            log(openedStreams.get() + " of " + clients + " streams open (" + failedStreams.get() + " failed) in "
                    + row.get("open_s") + " s");

            Phase probe = new Phase("probe");
            try (Http http = new Http(ports[0])) {
                // Live check: the peer sends its first frame before it subscribes, so mutate until every open
                // stream has seen an event (the service's first frame already means "subscribed").
                int probes = 0;
                while (probes < 30) {
                    probes++;
                    int idx = nextIndex.get();
                    mutate(http, probe);
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(clients >= 5000 ? 20 : 5);
                    while (receivedBy.get(idx) < openedStreams.get() && System.nanoTime() < until) {
                        sleep(5);
                    }
                    if (conns.stream().filter(c -> c.opened && !c.closed)
                            .allMatch(c -> c.events > 0)) {
                        break;
                    }
                }
                row.put("probes", String.valueOf(probes));
                // Uncounted fan-outs, 5 to 50 for at least 20,000 deliveries, so the measured ones run compiled code (both
                // stacks JIT-compile their fan-out path; a long-running service is past that point).
                Phase warm = new Phase("warm");
                for (int i = 0; i < args.integer("warm-fanouts", Math.min(50, Math.max(5, (20_000 + clients - 1) / clients))); i++) {
                    fanout(http, warm, null);
                }
                sleep(3000);
                long c1 = rssKiB(pid(0));
                long c2 = rssKiB(pid(1));
                row.put("rss_c1_mib", mib(c1));
                row.put("rss_c2_mib", mib(c2));
                row.put("kib_per_stream", String.format(Locale.ROOT, "%.1f",
                        (double) (c1 - idle1 + c2 - idle2) / Math.max(1, openedStreams.get())));

                // Fan-out latency: one mutation at a time, the next one once every client has the previous event.
                Phase fan = new Phase("fanout");
                Histo mutWith = new Histo();
                long fanStart = System.nanoTime();
                row.put("fanout_from_ms", String.valueOf(System.currentTimeMillis()));
                long cpuBefore = cpuTicks(pid(0)) + cpuTicks(pid(1));
                int[] fanIdx = new int[mutations];
                for (int m = 0; m < mutations; m++) {
                    fanIdx[m] = nextIndex.get();
                    fanOrder[fanIdx[m]] = m;
                    fanout(http, fan, mutWith);
                }
                long fanCpu = cpuTicks(pid(0)) + cpuTicks(pid(1)) - cpuBefore;
                row.put("fanout_to_ms", String.valueOf(System.currentTimeMillis()));
                row.put("fanout_cpu_s", seconds(fanCpu));
                row.put("cpu_us_per_delivery", String.format(Locale.ROOT, "%.1f",
                        fanCpu * 10_000.0 / Math.max(1, fan.received.get())));
                row.put("fanout_s", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - fanStart) / 1e9));
                long expected = (long) clients * mutations;
                row.put("p50_ms", fan.latency.ms(0.5));
                row.put("p90_ms", fan.latency.ms(0.9));
                row.put("p99_ms", fan.latency.ms(0.99));
                row.put("max_ms", fan.latency.ms(1));
                row.put("expected", String.valueOf(expected));
                row.put("received", String.valueOf(fan.received.get()));
                row.put("lost", String.valueOf(expected - fan.received.get()));
                row.put("duplicated", String.valueOf(fan.duplicated.get()));
                row.put("mut_c_p50_ms", mutWith.ms(0.5));
                row.put("mut_c_p99_ms", mutWith.ms(0.99));
                // Split at the bus: mutation sent → event on Redis (the service's own write path), and event on
                // Redis → client (its fan-out), to set beside the floor.
                Histo toBus = new Histo();
                Histo afterBus = new Histo();
                for (int m = 0; m < mutations; m++) {
                    long bus = busNanos.get(fanIdx[m]);
                    if (bus == 0) {
                        continue;
                    }
                    toBus.record((bus - sendNanos.get(fanIdx[m])) / 1000);
                    for (Conn c : conns) {
                        if (c.fanRecv[m] != 0) {
                            afterBus.record(Math.max(0, c.fanRecv[m] - bus) / 1000);
                        }
                    }
                }
                row.put("to_bus_p50_ms", toBus.ms(0.5));
                row.put("to_bus_p99_ms", toBus.ms(0.99));
                row.put("after_bus_p50_ms", afterBus.ms(0.5));
                row.put("after_bus_p99_ms", afterBus.ms(0.99));
                row.put("after_bus_max_ms", afterBus.ms(1));
                log(String.format("split at the bus: mutation → Redis p50 %s p99 %s ms; Redis → client p50 %s p99 %s "
                                + "max %s ms", row.get("to_bus_p50_ms"), row.get("to_bus_p99_ms"),
                        row.get("after_bus_p50_ms"), row.get("after_bus_p99_ms"), row.get("after_bus_max_ms")));
                log(String.format("fan-out C=%d M=%d: p50 %s p90 %s p99 %s max %s ms; received %d of %d, dup %d",
                        clients, mutations, row.get("p50_ms"), row.get("p90_ms"), row.get("p99_ms"),
                        row.get("max_ms"), fan.received.get(), expected, fan.duplicated.get()));
            }

            sustained();

            row.put("resyncs", String.valueOf(resyncs.get()));
            if (stack.metricsPath() != null) {
                String metrics = body(ports[0], stack.metricsPath());
                row.put("publish_failures", metrics.lines()
                        .filter(l -> l.startsWith("invalidation_events_publish_failures_total"))
                        .map(l -> l.substring(l.lastIndexOf(' ') + 1).replaceAll("\\.0$", "")).findFirst().orElse(""));
            }
            shuttingDownClients = true;
            row.put("streams_closed_early", String.valueOf(closedStreams.get()));
            row.put("mutation_errors", String.valueOf(mutationErrors.get()));
            row.put("stray_events", String.valueOf(strayEvents.get()));
            for (Loop loop : loops) {
                loop.stop = true;
                loop.selector.wakeup();
            }
            for (Conn c : conns) {
                try {
                    c.channel.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        /** One mutation, then wait (bounded) until every client received it. */
        void fanout(Http http, Phase phase, Histo mutLatency) {
            int idx = nextIndex.get();
            long us = mutate(http, phase);
            if (us >= 0 && mutLatency != null) {
                mutLatency.record(us);
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(args.integer("fanout-timeout", 30));
            while (receivedBy.get(idx) < clients && System.nanoTime() < until) {
                if (receivedBy.get(idx) >= openedStreams.get() - closedStreams.get() + failedStreams.get()) {
                    break; // every stream still open has it
                }
                sleep(1);
            }
            sleep(args.integer("gap-ms", 50));
        }

        /** Closed loop: a few concurrent writers on instance 1 for a bounded time, with the C streams open. */
        void sustained() throws Exception {
            int threads = args.integer("sustain-threads", 4);
            int seconds = args.integer("sustain-seconds", 10);
            int max = Math.min(args.integer("sustain-max", 3000), todoOfIndex.length - nextIndex.get() - 1);
            Phase phase = new Phase("sustained");
            Histo mutLatency = new Histo();
            AtomicInteger budget = new AtomicInteger(max);
            long start = System.nanoTime();
            row.put("sustain_from_ms", String.valueOf(System.currentTimeMillis()));
            long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofPlatform().name("mutator-" + t).start(() -> {
                    try (Http http = new Http(ports[0])) {
                        while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
                            long us = mutate(http, phase);
                            if (us >= 0) {
                                mutLatency.record(us);
                            }
                        }
                    }
                }));
            }
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(seconds + 130));
            }
            long end = System.nanoTime();
            long done = mutLatency.count.get();
            double elapsed = (end - start) / 1e9;
            long expected = done * clients;
            // Let the fan-out catch up, bounded: stop when complete or without progress for 5 s (60 s at most).
            long drainUntil = end + TimeUnit.SECONDS.toNanos(args.integer("drain-seconds", 60));
            long last = -1;
            long lastChange = System.nanoTime();
            while (phase.received.get() < expected && System.nanoTime() < drainUntil) {
                long r = phase.received.get();
                if (r != last) {
                    last = r;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(5)) {
                    break;
                }
                sleep(20);
            }
            row.put("sustain_to_ms", String.valueOf(System.currentTimeMillis()));
            long lastDelivery = phase.lastDelivery.get();
            row.put("sustain_rate", String.format(Locale.ROOT, "%.1f", done / elapsed));
            row.put("sustain_mut_p50_ms", mutLatency.ms(0.5));
            row.put("sustain_mut_p99_ms", mutLatency.ms(0.99));
            row.put("sustain_expected", String.valueOf(expected));
            row.put("sustain_received", String.valueOf(phase.received.get()));
            row.put("sustain_duplicated", String.valueOf(phase.duplicated.get()));
            row.put("sustain_fanout_p50_ms", phase.latency.ms(0.5));
            row.put("sustain_fanout_p99_ms", phase.latency.ms(0.99));
            row.put("sustain_deliveries_per_s", lastDelivery == 0 ? "" : String.format(Locale.ROOT, "%.0f",
                    phase.received.get() / ((lastDelivery - start) / 1e9)));
            log(String.format("sustained: %s mutations/s (%d in %.1f s, %d threads), mutation p50 %s p99 %s ms; "
                            + "deliveries %d of %d, fan-out p99 %s ms", row.get("sustain_rate"), done, elapsed, threads,
                    row.get("sustain_mut_p50_ms"), row.get("sustain_mut_p99_ms"), phase.received.get(), expected,
                    row.get("sustain_fanout_p99_ms")));
        }

        void write() throws IOException {
            Path csv = outDir.resolve("results.csv");
            String header = String.join(",", COLUMNS);
            List<String> values = new ArrayList<>();
            for (String c : COLUMNS) {
                values.add(row.getOrDefault(c, ""));
            }
            if (!Files.exists(csv)) {
                Files.writeString(csv, header + "\n");
            }
            Files.writeString(csv, String.join(",", values) + "\n", StandardOpenOption.APPEND);
            log("row: " + row);
        }
    }

    static final List<String> COLUMNS = List.of("stack", "clients", "mutations", "streams_open", "streams_failed",
            "p50_ms", "p90_ms", "p99_ms", "max_ms", "expected", "received", "lost", "duplicated",
            "rss_idle1_mib", "rss_idle2_mib", "rss_c1_mib", "rss_c2_mib", "kib_per_stream", "rss_end1_mib",
            "rss_end2_mib", "cpu1_s", "cpu2_s", "cpu1_total_s", "cpu2_total_s", "fanout_cpu_s", "cpu_us_per_delivery", "mut_base_p50_ms",
            "mut_base_p99_ms", "mut_c_p50_ms", "mut_c_p99_ms", "to_bus_p50_ms", "to_bus_p99_ms", "after_bus_p50_ms",
            "after_bus_p99_ms", "after_bus_max_ms",
            "sustain_rate", "sustain_mut_p50_ms", "sustain_mut_p99_ms", "sustain_expected", "sustain_received",
            "sustain_duplicated", "sustain_fanout_p50_ms", "sustain_fanout_p99_ms", "sustain_deliveries_per_s",
            "open_s", "probes", "fanout_s", "streams_closed_early", "resyncs", "publish_failures", "mutation_errors",
            "stray_events", "fanout_from_ms", "fanout_to_ms", "sustain_from_ms", "sustain_to_ms", "load1_start",
            "load1_end", "duration_s", "started");

    // ------------------------------------------------------------------------------------------------------------
    // /proc, ports, plain HTTP status

    static long rssKiB(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // process gone
        }
        return -1;
    }

    /** utime + stime of the process (all threads), in clock ticks (100 per second here). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return -1;
        }
    }

    static String seconds(long ticks) {
        return String.format(Locale.ROOT, "%.1f", ticks / 100.0);
    }

    static String mib(long kib) {
        return String.format(Locale.ROOT, "%.1f", kib / 1024.0);
    }

    static String load1() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String body(int port, String path) {
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                    .timeout(java.time.Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    static int status(int port, String path) {
        try (Http http = new Http(port)) {
            return http.exchange(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The floor: PUBLISH on one Redis connection → message on another

    static final class Floor {
        static void execute(Args args) throws Exception {
            int n = args.integer("samples", 2000);
            String channel = args.string("env", "bench") + "_invalidate:floor:" + ProcessHandle.current().pid();
            byte[] payload = "{\"id\":\"1-0\",\"type\":\"todo.completed\",\"todoId\":42}".getBytes(
                    StandardCharsets.US_ASCII);
            try (Socket sub = redis(); Socket pub = redis()) {
                InputStream subIn = new BufferedInputStream(sub.getInputStream());
                sub.getOutputStream().write(resp("SUBSCRIBE", channel));
                subIn.readNBytes(resp3Len("subscribe", channel, ":1"));
                byte[] publish = resp("PUBLISH", channel, new String(payload, StandardCharsets.US_ASCII));
                int messageLen = ("*3\r\n$7\r\nmessage\r\n$" + channel.length() + "\r\n" + channel + "\r\n$"
                        + payload.length + "\r\n").length() + payload.length + 2;
                InputStream pubIn = new BufferedInputStream(pub.getInputStream());
                Histo h = new Histo();
                for (int i = 0; i < n + 200; i++) {
                    long start = System.nanoTime();
                    pub.getOutputStream().write(publish);
                    byte[] m = subIn.readNBytes(messageLen);
                    long us = (System.nanoTime() - start) / 1000;
                    if (m.length != messageLen) {
                        throw new IOException("subscriber connection closed");
                    }
                    readLine(pubIn); // :1
                    if (i >= 200) {
                        h.record(us);
                    }
                }
                String line = String.format(Locale.ROOT,
                        "redis_publish_to_subscriber,%d,%s,%s,%s,%s,%s%n", n, h.ms(0.5), h.ms(0.9), h.ms(0.99),
                        h.ms(1), load1());
                Path out = Path.of(args.string("out", "target/bench")).resolve("floor.csv");
                Files.createDirectories(out.getParent());
                if (!Files.exists(out)) {
                    Files.writeString(out, "what,samples,p50_ms,p90_ms,p99_ms,max_ms,load1\n");
                }
                Files.writeString(out, line, StandardOpenOption.APPEND);
                log("floor: " + line.trim());
            }
        }

        static Socket redis() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 5000);
            s.setSoTimeout(10_000);
            return s;
        }

        static byte[] resp(String... parts) {
            StringBuilder sb = new StringBuilder("*").append(parts.length).append("\r\n");
            for (String p : parts) {
                sb.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        static int resp3Len(String kind, String channel, String integer) {
            return ("*3\r\n$" + kind.length() + "\r\n" + kind + "\r\n$" + channel.length() + "\r\n" + channel + "\r\n"
                    + integer + "\r\n").length();
        }

        /** The payload of the next RESP2 push if it is a {@code message}, else null (a subscribe confirmation). */
        static byte[] message(InputStream in) throws IOException {
            String header = line(in);
            if (!header.startsWith("*")) {
                return null;
            }
            int n = Integer.parseInt(header.substring(1));
            byte[] kind = null;
            byte[] last = null;
            for (int i = 0; i < n; i++) {
                String item = line(in);
                if (item.startsWith("$")) {
                    byte[] bulk = in.readNBytes(Integer.parseInt(item.substring(1)));
                    line(in);
                    if (i == 0) {
                        kind = bulk;
                    }
                    last = bulk;
                }
            }
            return kind != null && new String(kind, StandardCharsets.US_ASCII).equals("message") ? last : null;
        }

        static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("closed");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        static void readLine(InputStream in) throws IOException {
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("closed");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    /** Ends the program after a hard limit, whatever it is waiting for; the shutdown hook stops the instances. */
    static final class Watchdog {
        static void start(int seconds) {
            Thread t = new Thread(() -> {
                sleep(TimeUnit.SECONDS.toMillis(seconds));
                log("watchdog: " + seconds + " s limit reached, exiting");
                System.exit(3);
            }, "watchdog");
            t.setDaemon(true);
            t.start();
        }
    }
}
