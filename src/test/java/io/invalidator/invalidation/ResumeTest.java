package io.invalidator.invalidation;

import io.invalidator.testing.SseClient;
import io.invalidator.testing.SseClient.Frame;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Clients that come back with Last-Event-ID get what they missed from the history, or a resync. */
@QuarkusTest
class ResumeTest {

    @TestHTTPResource("/api/invalidations")
    URL stream;

    @Test
    void shouldReplayExactlyTheMissedEventsThenContinueLive() {
        long todoId = TestTodos.create("resume me");
        String lastSeen;
        try (SseClient first = SseClient.open(stream + "?todoId=" + todoId).awaitLive()) {
            given().contentType("application/json").body("{\"title\":\"seen\"}")
                    .patch("/api/todos/{id}", todoId).then().statusCode(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> first.eventsOfType("todo.updated").size() == 1);
            lastSeen = first.eventsOfType("todo.updated").getFirst().id();
        }
        // while the client is away
        given().post("/api/todos/{id}/complete", todoId).then().statusCode(200);
        given().delete("/api/todos/{id}", todoId).then().statusCode(204);

        try (SseClient back = SseClient.open(stream + "?todoId=" + todoId, Map.of("Last-Event-ID", lastSeen))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> back.eventsOfType("todo.deleted").size() == 1);
            Frame first = back.frames().getFirst();
            assertEquals("resumed", first.comment(), "a resumed stream starts with a comment, not a resync");
            assertEquals("2000", first.retry());
            assertEquals(List.of("todo.completed", "todo.deleted"), types(back));

            long next = TestTodos.create("after resume");
            await().atMost(Duration.ofSeconds(5)).until(() -> back.eventsOfType("todo.created").stream()
                    .anyMatch(f -> f.data().contains("\"todoId\":" + next)));
            List<String> ids = back.events().stream().map(Frame::id).toList();
            assertEquals(ids.size(), ids.stream().distinct().count(), "nothing twice: " + ids);
        }
    }

    @Test
    void shouldResyncWhenTheGapIsOlderThanTheHistory() {
        try (SseClient client = SseClient.open(stream.toString(), Map.of("Last-Event-ID", "1-0")).awaitLive()) {
            assertEquals("resync", client.events().getFirst().type());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local-abc", "9999999999999999999-0", "99999999999999999999-0", "+5-3", "18446744073709551615-18446744073709551615"})
    void shouldResyncAndStayLiveWhenTheLastEventIdIsNotOneOfOurs(String lastEventId) {
        // ids from the future included: a stream drops what is not newer than the id it resumed after
        try (SseClient client = SseClient.open(stream.toString(), Map.of("Last-Event-ID", lastEventId)).awaitLive()) {
            assertEquals("resync", client.events().getFirst().type());
            long todoId = TestTodos.create("after a foreign id");
            await().atMost(Duration.ofSeconds(5)).until(() -> client.events().stream()
                    .anyMatch(f -> f.data().contains("\"todoId\":" + todoId)));
        }
    }

    @Test
    void shouldResyncWhenMoreWasMissedThanTheReplayLimit() {
        String lastSeen;
        try (SseClient first = SseClient.open(stream.toString()).awaitLive()) {
            long todoId = TestTodos.create("before the long absence");
            await().atMost(Duration.ofSeconds(5)).until(() -> first.events().stream()
                    .anyMatch(f -> f.data().contains("\"todoId\":" + todoId)));
            lastSeen = first.events().getLast().id();
        }
        for (int i = 0; i < 25; i++) { // the test profile replays at most 20
            TestTodos.create("missed " + i);
        }
        try (SseClient back = SseClient.open(stream.toString(), Map.of("Last-Event-ID", lastSeen)).awaitLive()) {
            assertEquals("resync", back.events().getFirst().type());
        }
    }

    private static List<String> types(SseClient client) {
        // stats.updated comes from the recalculation job whenever it ran: not part of what this test orders
        return client.events().stream().map(Frame::type).filter(type -> !type.equals("stats.updated")).toList();
    }
}
