package io.invalidator.invalidation;

import io.invalidator.testing.AppProcess;
import io.invalidator.testing.SseClient;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The benchmark's correctness half at a small scale (bench/FanoutBench measures the timings): many clients spread
 * over two instances, every mutation reaches every client exactly once — nothing lost, nothing duplicated, even for
 * clients that get an event through two channels (their todo's and global).
 */
class FanoutIT {

    private static final String NAME = "fanout";
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
}
