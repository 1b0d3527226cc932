package io.invalidator.reliability;

import io.invalidator.testing.AppProcess;
import io.invalidator.testing.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Bad behavior and load: a capped number of streams, and a stalled client that must not hold anyone back. */
class StreamLimitsIT {

    private static final String NAME = "limits";
    private static AppProcess app;

    @BeforeAll
    static void start() {
        app = AppProcess.start(NAME, Map.of("invalidation.max-streams", "5"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void shouldRefuseStreamsBeyondTheCapWith503AndRetryAfter() {
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                clients.add(SseClient.open(app.url() + "/api/invalidations").awaitLive());
            }
            given().baseUri(app.url()).get("/api/invalidations").then().statusCode(503)
                    .header("Retry-After", "2").contentType("application/problem+json")
                    .body("detail", equalTo("This instance cannot deliver events right now; retry"));

            clients.removeFirst().close();
            await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == 4);
            clients.add(SseClient.open(app.url() + "/api/invalidations").awaitLive());
            assertEquals(200, clients.getLast().status());
        } finally {
            clients.forEach(SseClient::close);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == 0);
    }

    @Test
    void shouldCloseAStalledClientWithoutDelayingTheOthers() throws IOException {
        try (SseClient healthy = SseClient.open(app.url() + "/api/invalidations").awaitLive();
                Socket stalled = openWithoutReading()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == 2);

            // Valid events straight into the global channel, far more in all than the stalled client's socket buffers
            // and its stream buffer can take; in chunks smaller than a stream buffer, each published once the healthy
            // client has read the previous one, so only the stalled client can fall behind.
            String channel = AppProcess.namespace(NAME) + "_invalidate:global";
            int chunk = 400;
            for (int sent = 0; sent < 60_000; sent += chunk) {
                // long ids (56 chars, twice in each frame) make ~170-byte frames: 10 MB in all, well past the
                // kernel's socket buffers (up to 4 MB) in front of the stalled client
                redisCli("EVAL", "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('PUBLISH', KEYS[1], "
                        + "'{\"id\":\"' .. i .. '-' .. string.rep('7', 50) .. '\",\"type\":\"todo.updated\","
                        + "\"todoId\":' .. i .. '}') end", "1", channel, String.valueOf(sent + 1),
                        String.valueOf(sent + chunk));
                int expected = sent + chunk;
                await().atMost(Duration.ofSeconds(10)).until(() -> healthy.ended()
                        || healthy.eventsOfType("todo.updated").size() >= expected);
                assertFalse(healthy.ended(), "the healthy client keeps its stream");
            }
            assertEquals(60_000, healthy.eventsOfType("todo.updated").size(), "and got every event");
            await().atMost(Duration.ofSeconds(10)).until(() -> openStreams() == 1);
        }
    }

    /** A client that connects, asks for the stream, then never reads a byte (tiny receive buffer). */
    private static Socket openWithoutReading() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(1024);
        socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 5_000);
        socket.getOutputStream().write(("GET /api/invalidations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static int openStreams() {
        return given().baseUri(app.url()).get("/q/health/ready").then().extract().jsonPath()
                .getInt("checks.find { it.name == 'redis-subscriber' }.data.openStreams");
    }

    private static void redisCli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            process.waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
