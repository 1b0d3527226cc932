package io.invalidator.invalidation;

import io.invalidator.testing.SseClient;
import io.invalidator.testing.SseClient.Frame;
import io.invalidator.todo.TodoService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class InvalidationStreamTest {

    private static final Duration QUIET = Duration.ofMillis(1500);

    @TestHTTPResource("/api/invalidations")
    URL stream;

    @Inject
    TodoService todoService;

    @Test
    void shouldStartWithResyncAndRetryHintOnceLive() {
        try (SseClient client = SseClient.open(stream.toString()).awaitLive()) {
            Frame first = client.events().getFirst();

            assertEquals(200, client.status());
            assertEquals("resync", first.type());
            assertNull(first.id(), "a local control frame must not move the client's Last-Event-ID");
            assertEquals("2000", first.retry());
        }
    }

    @Test
    void shouldSendProxySafeHeaders() {
        given().accept("text/event-stream").queryParam("todoId", 1)
                .when().head("/api/invalidations")
                .then().statusCode(equalTo(200))
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .header("Content-Encoding", (String) null);
    }

    @Test
    void shouldPublishAfterCommitToGlobalAndTodoStreams() {
        long todoId = TestTodos.create("publish after commit");
        try (SseClient global = SseClient.open(stream.toString()).awaitLive();
                SseClient todo = SseClient.open(stream + "?todoId=" + todoId).awaitLive();
                SseClient other = SseClient.open(stream + "?todoId=" + (todoId + 100_000)).awaitLive()) {

            given().post("/api/todos/{id}/complete", todoId).then().statusCode(200);

            String expected = "{\"type\":\"todo.completed\",\"todoId\":" + todoId + "}";
            for (SseClient client : List.of(global, todo, other)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> !client.eventsOfType("todo.completed").isEmpty());
                Frame event = client.eventsOfType("todo.completed").getFirst();
                assertNotNull(event.id());
                assertEquals("{\"id\":\"" + event.id() + "\"," + expected.substring(1), event.data());
            }
            // the refetch a client makes on the event sees the committed change
            given().get("/api/todos/{id}", todoId).then().body("status", equalTo("COMPLETED"));
        }
    }

    @Test
    void shouldNotPublishOnRollback() {
        long todoId = TestTodos.create("rolled back");
        try (SseClient client = SseClient.open(stream + "?todoId=" + todoId).awaitLive()) {

            assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
                todoService.complete(todoId);
                throw new IllegalStateException("the surrounding transaction fails after the write");
            }));

            await().during(QUIET).atMost(QUIET.plusSeconds(2))
                    .until(() -> client.eventsOfType("todo.completed").isEmpty());
            given().get("/api/todos/{id}", todoId).then().body("status", equalTo("OPEN"));
        }
    }

    @Test
    void shouldPublishNothingForARejectedMutationOrANoOp() {
        long todoId = TestTodos.create("no-op");
        try (SseClient client = SseClient.open(stream + "?todoId=" + todoId).awaitLive()) {
            // the setup's own event is published after its commit, asynchronously: wait for it first
            given().post("/api/todos/{id}/complete", todoId).then().statusCode(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.eventsOfType("todo.completed").size() == 1);
            long before = withoutStats(client);

            given().post("/api/todos/{id}/complete", todoId).then().statusCode(200);
            given().contentType(ContentType.JSON).body("{\"userId\":999999999}")
                    .put("/api/todos/{id}/assignee", todoId).then().statusCode(404);

            // stats.updated may still come from the recalculation job of the setup's completion
            await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> withoutStats(client) == before);
        }
    }

    @Test
    void shouldDeliverEachEventOnceAcrossOverlappingChannels() {
        long userId = TestTodos.createUser("Grace");
        long todoId = TestTodos.create("overlap");
        // user.assigned goes to user:<id>, todo:<id> and global; this stream listens to all three
        try (SseClient client = SseClient.open(stream + "?todoId=" + todoId + "&userId=" + userId).awaitLive()) {

            given().contentType(ContentType.JSON).body("{\"userId\":" + userId + "}")
                    .put("/api/todos/{id}/assignee", todoId).then().statusCode(200);
            given().post("/api/todos/{id}/complete", todoId).then().statusCode(200);

            await().atMost(Duration.ofSeconds(5)).until(() -> !client.eventsOfType("todo.completed").isEmpty());
            await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() ->
                    client.eventsOfType("user.assigned").size() == 1 && client.eventsOfType("todo.completed").size() == 1);
            List<String> ids = client.events().stream().map(Frame::id).filter(id -> id != null).toList();
            assertEquals(ids.stream().distinct().count(), ids.size(), "no id delivered twice: " + ids);
            assertTrue(ids.get(0).compareTo(ids.get(1)) < 0 || ids.get(0).length() < ids.get(1).length(),
                    "ids are ordered: " + ids);
        }
    }

    @Test
    void shouldSendHeartbeatsOnAnIdleStream() {
        // the test profile beats every second (15 s by default)
        try (SseClient client = SseClient.open(stream + "?userId=424242").awaitLive()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.comments().size() >= 2);
            assertEquals("heartbeat", client.comments().getFirst().comment());
        }
    }

    @Test
    void shouldRejectABadStreamRequestWithAProblem() {
        given().queryParam("todoId", "abc").get("/api/invalidations")
                .then().statusCode(400).contentType("application/problem+json");
        given().queryParam("todoId", -1).get("/api/invalidations")
                .then().statusCode(400).contentType("application/problem+json");
    }

    private static long withoutStats(SseClient client) {
        return client.events().stream().filter(f -> !"stats.updated".equals(f.type())).count();
    }
}
