package io.invalidator.invalidation;

import io.invalidator.testing.AppProcess;
import io.invalidator.testing.SseClient;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real instances of the packaged application sharing PostgreSQL and Redis: a mutation on either reaches the
 * streams of both, every mutation reaches every client of both exactly once and in order, each instance holds one
 * Redis subscription per channel, and shutdown is prompt even with many open streams.
 */
class TwoInstancesIT {

    private static final String NAME = "two";
    private static final int CLIENTS = 200;
    private static final int MUTATIONS = 20;
    private static AppProcess first;
    private static AppProcess second;

    @BeforeAll
    static void startInstances() {
        first = AppProcess.start(NAME);
        second = AppProcess.start(NAME);
    }

    @AfterAll
    static void stopInstances() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void shouldDeliverAMutationOnOneInstanceToClientsOfBoth() throws Exception {
        long todoId = given().baseUri(first.url()).contentType(ContentType.JSON).body("{\"title\":\"shared\"}")
                .post("/api/todos").then().statusCode(201).extract().jsonPath().getLong("id");
        String path = "/api/invalidations?todoId=" + todoId;
        try (SseClient onFirst = SseClient.open(first.url() + path).awaitLive();
                SseClient onSecond = SseClient.open(second.url() + path).awaitLive();
                SseClient alsoOnSecond = SseClient.open(second.url() + path).awaitLive()) {

            assertEquals(2, numsub(AppProcess.namespace(NAME) + "_invalidate:todo:" + todoId),
                    "one subscription per instance, however many clients");

            given().baseUri(first.url()).post("/api/todos/{id}/complete", todoId).then().statusCode(200);
            given().baseUri(second.url()).contentType(ContentType.JSON).body("{\"title\":\"renamed\"}")
                    .patch("/api/todos/{id}", todoId).then().statusCode(200);

            for (SseClient client : List.of(onFirst, onSecond, alsoOnSecond)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> client.eventsOfType("todo.updated").size() == 1);
                assertEquals(1, client.eventsOfType("todo.completed").size());
                assertEquals(List.of("resync", "todo.completed", "todo.updated"), client.events().stream()
                        .map(SseClient.Frame::type).filter(type -> !type.equals("stats.updated")).toList(),
                        "same order everywhere (stats.updated comes from the background job, in between or after)");
            }
        }
    }

    @Test
    void shouldShutDownPromptlyCompletingEveryStream() {
        AppProcess third = AppProcess.start(NAME, Map.of("invalidation.retry", "1s"));
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                clients.add(SseClient.open(third.url() + "/api/invalidations?todoId=" + (i % 50 + 1)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> !c.events().isEmpty()));

            Duration took = third.stop();

            assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "exited in " + took);
            await().atMost(Duration.ofSeconds(5)).until(() -> clients.stream().allMatch(SseClient::ended));
            long withRetryHint = clients.stream().filter(c -> c.frames().getLast().retry() != null).count();
            assertEquals(clients.size(), withRetryHint, "every stream ended with a retry: hint");
            long distinctHints = clients.stream().map(c -> c.frames().getLast().retry()).distinct().count();
            assertTrue(distinctHints > 10, "reconnects are spread out, not all at once: " + distinctHints);
        } finally {
            clients.forEach(SseClient::close);
            third.close();
        }
    }

    /**
     * The benchmark's correctness half at a small scale (bench/FanoutBench measures the timings): nothing lost, nothing
     * duplicated, even for clients that get an event through two channels (their todo's and global).
     */
    @Test
    void shouldDeliverEveryMutationExactlyOnceToEveryClientOfBothInstances() {
        List<Long> todoIds = new ArrayList<>();
        for (int i = 0; i < MUTATIONS; i++) {
            todoIds.add(given().baseUri(first.url()).contentType(ContentType.JSON).body("{\"title\":\"fan " + i + "\"}")
                    .post("/api/todos").then().statusCode(201).extract().jsonPath().getLong("id"));
        }
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                AppProcess instance = i % 2 == 0 ? first : second;
                clients.add(SseClient.open(instance.url() + "/api/invalidations?todoId=" + todoIds.get(i % MUTATIONS)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> !c.events().isEmpty()));

            for (long todoId : todoIds) {
                given().baseUri(first.url()).post("/api/todos/{id}/complete", todoId).then().statusCode(200);
            }

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> clients.stream().allMatch(c -> c.eventsOfType("todo.completed").size() >= MUTATIONS));
            // Then nothing more arrives: no duplicates, however late.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> clients.stream().allMatch(c -> c.eventsOfType("todo.completed").size() == MUTATIONS));
            for (SseClient client : clients) {
                List<SseClient.Frame> completed = client.eventsOfType("todo.completed");
                assertEquals(MUTATIONS, completed.stream().map(SseClient.Frame::id).distinct().count(),
                        "each event once, by id");
                assertEquals(todoIds, completed.stream()
                        .map(f -> Long.parseLong(f.data().replaceAll(".*\"todoId\":(\\d+).*", "$1"))).toList(),
                        "every mutation, in order");
            }
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    private static long numsub(String channel) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "PUBSUB", "NUMSUB", channel).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        p.waitFor();
        return Long.parseLong(lines.get(1).trim());
    }
}
