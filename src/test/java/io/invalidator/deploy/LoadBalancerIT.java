package io.invalidator.deploy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.invalidator.testing.AppProcess;
import io.invalidator.testing.NginxProcess;
import io.invalidator.testing.SseClient;
import io.invalidator.testing.SseClient.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The deployment's nginx configuration ({@code docker/nginx/}) in front of two instances of the packaged service, as
 * compose runs it: through the balancer, events arrive at once, heartbeats keep idle streams open past the proxy's
 * read timeout, a write reaches the clients of both instances, and the clients of a stopped instance move to the
 * other. Plain JUnit, no Quarkus boot in the test JVM: the instances and nginx are processes, every check is HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerIT {

    /** Both instances in one namespace (one schema, one set of channels), as in production. */
    private static final String NAMESPACE = "lb";
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Map<String, String> INSTANCE_PROPS =
            Map.of("invalidation.heartbeat", HEARTBEAT.toMillis() + "ms");
    /** The stream's proxy_read_timeout here; the deployment has 60s for its 15s heartbeat. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    /** "At once": far less than buffering or gzip in the proxy would hold back a few small frames. */
    private static final Duration PROMPTLY = Duration.ofSeconds(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final Pattern TODO_ID = Pattern.compile("\"todoId\"\\s*:\\s*(\\d+)");
    private static final Pattern OPEN_STREAMS = Pattern.compile("\"openStreams\"\\s*:\\s*(\\d+)");

    private static AppProcess app1;
    private static AppProcess app2;
    private static NginxProcess nginx;
    private final List<SseClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        if (!NginxProcess.isInstalled()) {
            System.out.println("LoadBalancerIT skipped: " + NginxProcess.BINARY
                    + " is missing (Debian: apt-get install nginx-light)");
        }
        assumeTrue(NginxProcess.isInstalled(), NginxProcess.BINARY + " is missing");
        long start = System.nanoTime();
        app1 = AppProcess.start(NAMESPACE, INSTANCE_PROPS);
        app2 = AppProcess.start(NAMESPACE, INSTANCE_PROPS);
        nginx = NginxProcess.start(List.of(app1.port(), app2.port()), READ_TIMEOUT);
        log("instances on %d and %d, nginx (pid %d) at %s, ready in %d ms", app1.port(), app2.port(), nginx.pid(),
                nginx.url(), millisSince(start));
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SseClient::close);
        // So that the next test counts only its own streams
        for (AppProcess app : List.of(app1, app2)) {
            if (app.isAlive()) {
                await().atMost(Duration.ofSeconds(5)).until(() -> openStreams(app) == 0);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        for (AppProcess app : new AppProcess[] { app1, app2 }) {
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    @Order(1)
    void shouldPassEachEventThroughNginxAsSoonAsItIsPublished() {
        // Accepting gzip as browsers do: nginx would compress the stream for such a client if its config let it
        SseClient client = open(nginx.url(), Map.of("Accept-Encoding", "gzip, deflate")).awaitLive();

        assertEquals(200, client.status());
        assertEquals("text/event-stream", String.valueOf(client.header("Content-Type")).split(";")[0]);
        assertTrue(client.header("Content-Encoding") == null, "the stream must not be compressed");
        assertEquals("resync", client.events().get(0).type());

        long id = createTodo("through nginx");
        long start = System.nanoTime();
        await().atMost(PROMPTLY).pollInterval(Duration.ofMillis(10))
                .until(() -> received(client, "todo.created", id) == 1);
        log("todo.created arrived through nginx %d ms after the POST returned", millisSince(start));

        complete(id);
        start = System.nanoTime();
        await().atMost(PROMPTLY).pollInterval(Duration.ofMillis(10))
                .until(() -> received(client, "todo.completed", id) == 1);
        log("todo.completed arrived through nginx %d ms after the POST returned", millisSince(start));

        int beats = heartbeats(client);
        await().atMost(PROMPTLY).until(() -> heartbeats(client) >= beats + 2);
    }

    @Test
    @Order(2)
    void shouldKeepAnIdleStreamOpenPastTheProxyReadTimeout() {
        SseClient client = open(nginx.url()).awaitLive();
        int beats = heartbeats(client);
        Duration idle = READ_TIMEOUT.multipliedBy(2).plusSeconds(1);

        await().during(idle).atMost(idle.plusSeconds(2)).until(() -> !client.ended());

        assertTrue(heartbeats(client) - beats >= idle.toSeconds() - 2,
                "heartbeats kept flowing: " + (heartbeats(client) - beats) + " in " + idle);
        long id = createTodo("after a quiet spell");
        await().atMost(PROMPTLY).until(() -> received(client, "todo.created", id) == 1);
    }

    /** The control for the test above: the same proxy ends a stream that stays silent, so the timeout is real. */
    @Test
    @Order(3)
    void shouldEndASilentStreamAtTheProxyReadTimeout() {
        try (SilentUpstream silent = new SilentUpstream();
                NginxProcess proxy = NginxProcess.start(List.of(silent.port(), silent.port()), READ_TIMEOUT)) {
            SseClient client = open(proxy.url());
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !client.comments().isEmpty());
            long start = System.nanoTime();

            await().atMost(READ_TIMEOUT.plusSeconds(3)).pollInterval(Duration.ofMillis(10)).until(client::ended);

            long waited = millisSince(start);
            log("a silent stream was ended by nginx after %d ms (proxy_read_timeout %s)", waited, READ_TIMEOUT);
            assertTrue(waited >= READ_TIMEOUT.toMillis() - 1000, "ended after " + waited + " ms, not by the timeout");
        }
    }

    @Test
    @Order(4)
    void shouldPassLastEventIdToTheInstanceOnAKeptAliveHttp11Connection() {
        try (SilentUpstream silent = new SilentUpstream();
                NginxProcess proxy = NginxProcess.start(List.of(silent.port(), silent.port()), READ_TIMEOUT)) {
            SseClient client = open(proxy.url(), Map.of("Last-Event-ID", "1764770000000-7"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !client.comments().isEmpty());

            Headers request = silent.requests.get(0);
            assertEquals("1764770000000-7", request.getFirst("Last-Event-ID"));
            assertEquals("HTTP/1.1", silent.protocols.get(0));
            assertNull(request.getFirst("Connection"), "no 'Connection: close' to the upstream");
        }
    }

    @Test
    @Order(5)
    void shouldDeliverAWriteThroughTheBalancerOnceToTheClientsOfBothInstances() {
        List<SseClient> viaNginx = openLive(nginx.url(), 4);
        SseClient direct1 = open(app1.url()).awaitLive();
        SseClient direct2 = open(app2.url()).awaitLive();
        // Round robin spread the nginx clients: each instance holds some besides its direct client
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams(app1) + openStreams(app2) == 6);
        log("streams: %d on instance 1, %d on instance 2", openStreams(app1), openStreams(app2));
        assertTrue(openStreams(app1) >= 2 && openStreams(app2) >= 2, "nginx spread the streams over both");

        long id = createTodo("to everyone");

        List<SseClient> all = Stream.concat(viaNginx.stream(), Stream.of(direct1, direct2)).toList();
        await().atMost(PROMPTLY).until(() -> all.stream().allMatch(c -> received(c, "todo.created", id) == 1));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> all.stream().allMatch(c -> received(c, "todo.created", id) == 1));
    }

    /** Last: instance 1 stays stopped. */
    @Test
    @Order(6)
    void shouldMoveTheClientsOfAStoppedInstanceToTheOther() {
        List<SseClient> viaNginx = openLive(nginx.url(), 4);
        SseClient direct1 = open(app1.url()).awaitLive();
        SseClient direct2 = open(app2.url()).awaitLive();
        long before = createTodo("before the stop");
        List<SseClient> all = Stream.concat(viaNginx.stream(), Stream.of(direct1, direct2)).toList();
        await().atMost(PROMPTLY).until(() -> all.stream().allMatch(c -> received(c, "todo.created", before) == 1));
        int onApp1 = openStreams(app1) - 1;
        assertTrue(onApp1 >= 1 && onApp1 <= 3, onApp1 + " of 4 nginx clients on instance 1");

        Duration stopping = app1.stop();
        log("graceful stop of instance 1 (%d stream(s) via nginx) took %d ms", onApp1, stopping.toMillis());

        // Exactly its clients see their stream end; the others stay
        await().atMost(PROMPTLY).until(() -> direct1.ended() && ended(viaNginx).size() == onApp1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> ended(viaNginx).size() == onApp1 && !direct2.ended());
        List<SseClient> moved = ended(viaNginx);

        // They reconnect through nginx as EventSource does (with Last-Event-ID) and land on instance 2
        List<SseClient> back = moved.stream()
                .map(c -> open(nginx.url(), Map.of("Last-Event-ID", lastEventId(c)))).toList();
        for (SseClient client : back) {
            client.awaitLive();
            assertEquals(200, client.status());
            assertEquals("resumed", client.frames().get(0).comment(),
                    "resumed from the history: nothing was missed, so no resync");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams(app2) == 4 + 1);

        long after = createTodo("after the stop");

        List<SseClient> open = Stream.of(viaNginx.stream().filter(c -> !c.ended()), back.stream(), Stream.of(direct2))
                .flatMap(s -> s).toList();
        assertEquals(4 + 1, open.size());
        await().atMost(PROMPTLY).until(() -> open.stream().allMatch(c -> received(c, "todo.created", after) == 1));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> open.stream().allMatch(c -> received(c, "todo.created", after) == 1));
    }

    /**
     * Streams are completed in the pre-shutdown phase ({@code ShutdownDelayInitiatedEvent}), before Quarkus' HTTP
     * drain, which open streams would otherwise hold up for the whole {@code quarkus.shutdown.timeout}.
     */
    @Test
    @Order(7)
    void shouldEndTheStreamsOfAStoppingInstanceAtOnceWithARetryHint() {
        try (AppProcess app = AppProcess.start(NAMESPACE, INSTANCE_PROPS);
                NginxProcess proxy = NginxProcess.start(List.of(app.port(), app.port()), READ_TIMEOUT)) {
            List<SseClient> streams = List.of(open(proxy.url()).awaitLive(), open(proxy.url()).awaitLive(),
                    open(app.url()).awaitLive());

            Duration stopping = app.stop();

            log("graceful stop with 3 open streams took %d ms", stopping.toMillis());
            assertTrue(stopping.compareTo(Duration.ofSeconds(5)) < 0, "stopped in " + stopping);
            await().atMost(PROMPTLY).until(() -> streams.stream().allMatch(SseClient::ended));
            for (SseClient client : streams) {
                Frame last = client.frames().get(client.frames().size() - 1);
                assertEquals("shutting down", last.comment(), "the last frame: " + last);
                assertNotNull(last.retry(), "the last frame carries retry:, was " + last);
                long retry = Long.parseLong(last.retry());
                assertTrue(retry >= 2000 && retry < 6000, "retry: " + retry + " within the configured spread");
            }
        }
    }

    private SseClient open(String baseUrl) {
        return open(baseUrl, Map.of());
    }

    private SseClient open(String baseUrl, Map<String, String> headers) {
        SseClient client = SseClient.open(baseUrl + "/api/invalidations", headers);
        clients.add(client);
        return client;
    }

    /** One after the other, each live before the next: round robin then alternates between the instances. */
    private List<SseClient> openLive(String baseUrl, int count) {
        List<SseClient> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opened.add(open(baseUrl).awaitLive());
        }
        return opened;
    }

    private static List<SseClient> ended(List<SseClient> clients) {
        return clients.stream().filter(SseClient::ended).toList();
    }

    private static String lastEventId(SseClient client) {
        return client.events().stream().map(Frame::id).filter(id -> id != null).reduce((a, b) -> b).orElseThrow();
    }

    private static long received(SseClient client, String type, long todoId) {
        return client.eventsOfType(type).stream().filter(f -> {
            Matcher m = TODO_ID.matcher(f.data());
            return m.find() && Long.parseLong(m.group(1)) == todoId;
        }).count();
    }

    private static int heartbeats(SseClient client) {
        return (int) client.comments().stream().filter(f -> "heartbeat".equals(f.comment())).count();
    }

    /** POST /api/todos through nginx; returns the new todo's id. */
    private static long createTodo(String title) {
        HttpResponse<String> response = post("/api/todos", "{\"title\":\"" + title + "\"}");
        assertEquals(201, response.statusCode(), response.body());
        Matcher m = ID.matcher(response.body());
        assertTrue(m.find(), response.body());
        return Long.parseLong(m.group(1));
    }

    private static void complete(long id) {
        HttpResponse<String> response = post("/api/todos/" + id + "/complete", "");
        assertEquals(200, response.statusCode(), response.body());
    }

    private static HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(nginx.url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The {@code openStreams} datum of the instance's readiness check. */
    private static int openStreams(AppProcess app) {
        String body = send(HttpRequest.newBuilder(URI.create(app.url() + "/q/health/ready"))).body();
        Matcher m = OPEN_STREAMS.matcher(body);
        assertTrue(m.find(), body);
        return Integer.parseInt(m.group(1));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void log(String format, Object... args) {
        System.out.println("LoadBalancerIT: " + format.formatted(args));
    }

    /**
     * A stand-in instance for what the real one cannot show: it records each stream request and answers with one
     * comment, then stays silent (at most 30 s) without closing.
     */
    private static final class SilentUpstream implements AutoCloseable {
        final List<Headers> requests = new CopyOnWriteArrayList<>();
        final List<String> protocols = new CopyOnWriteArrayList<>();
        private final CountDownLatch release = new CountDownLatch(1);
        private final ExecutorService executor = Executors.newCachedThreadPool();
        private final HttpServer server;

        SilentUpstream() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.setExecutor(executor);
            server.createContext("/api/invalidations", exchange -> {
                requests.add(exchange.getRequestHeaders());
                protocols.add(exchange.getProtocol());
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream body = exchange.getResponseBody();
                body.write(": hello\n\n".getBytes(StandardCharsets.UTF_8));
                body.flush();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
