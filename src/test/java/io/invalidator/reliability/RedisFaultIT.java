package io.invalidator.reliability;

import io.invalidator.testing.AppProcess;
import io.invalidator.testing.RedisProcess;
import io.invalidator.testing.SseClient;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The subscriber connection of an instance breaks: no client may stay silently stale. Uses its own Redis on a free
 * port, so it can kill and restart it.
 */
class RedisFaultIT {

    private static RedisProcess redis;
    private static AppProcess app;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        app = AppProcess.start("redisfault", Map.of("quarkus.redis.hosts", redis.url(),
                "invalidation.heartbeat", "1s", "invalidation.reconnect-max-delay", "500ms"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void shouldResubscribeAndResyncAfterClientKill() {
        long todoId = createTodo("killed subscriber");
        String channel = AppProcess.namespace("redisfault") + "_invalidate:todo:" + todoId;
        try (SseClient client = SseClient.open(app.url() + "/api/invalidations?todoId=" + todoId).awaitLive()) {

            redis.cli("CLIENT", "KILL", "TYPE", "pubsub");

            await().atMost(Duration.ofSeconds(10)).until(() -> client.eventsOfType("resync").size() == 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> redis.cli("PUBSUB", "NUMSUB", channel).endsWith("1"));
            given().baseUri(app.url()).post("/api/todos/{id}/complete", todoId).then().statusCode(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.eventsOfType("todo.completed").size() == 1);
            assertFalse(client.ended(), "the stream stayed open");
        }
    }

    @Test
    void shouldReportNotReadyWhileRedisIsDownAndRecoverWithAResync() {
        long todoId = createTodo("redis restart");
        try (SseClient client = SseClient.open(app.url() + "/api/invalidations?todoId=" + todoId).awaitLive()) {
            int resyncsBefore = client.eventsOfType("resync").size();

            redis.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> app.readyStatus() == 503);
            given().baseUri(app.url()).get("/q/health/live").then().statusCode(200);
            int heartbeats = client.comments().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> client.comments().size() > heartbeats);
            assertFalse(client.ended(), "streams stay open while Redis is away");
            given().baseUri(app.url()).get("/api/invalidations").then().statusCode(503)
                    .header("Retry-After", "2").contentType("application/problem+json");

            redis.restart();
            await().atMost(Duration.ofSeconds(15)).until(() -> app.readyStatus() == 200);
            // at least one: a publish that failed during the outage (e.g. the stats job's) adds its own resync
            await().atMost(Duration.ofSeconds(5)).until(() -> client.eventsOfType("resync").size() >= resyncsBefore + 1);
            given().baseUri(app.url()).post("/api/todos/{id}/complete", todoId).then().statusCode(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.eventsOfType("todo.completed").size() == 1);
        }
    }

    @Test
    void shouldDeliverAnEventCommittedWhileRedisWasBrieflyDown() {
        long todoId = createTodo("committed during outage");
        try (SseClient client = SseClient.open(app.url() + "/api/invalidations?todoId=" + todoId).awaitLive()) {

            redis.kill();
            given().baseUri(app.url()).post("/api/todos/{id}/complete", todoId).then().statusCode(200);
            redis.restart();

            // The retried publish may reach Redis before this instance has re-subscribed (then Pub/Sub drops it for
            // us), but the resync that follows the re-subscription comes after the commit: never silence.
            await().atMost(Duration.ofSeconds(20)).until(() -> client.eventsOfType("todo.completed").size() == 1
                    || client.eventsOfType("resync").size() == 2);
            List<String> types = client.events().stream().map(SseClient.Frame::type).toList();
            assertEquals("resync", types.getFirst());
            given().baseUri(app.url()).get("/api/todos/{id}", todoId).then().body("status", equalTo("COMPLETED"));
        }
    }

    @Test
    void shouldTellEveryInstanceWhenAnEventCouldNotBePublished() {
        // an instance that can never publish (no room for a waiting event), beside a healthy one on the same Redis
        try (AppProcess starved = AppProcess.start("redisfault", Map.of("quarkus.redis.hosts", redis.url(),
                "invalidation.max-pending-publishes", "0"))) {
            long todoId = createTodo("published nowhere");
            try (SseClient healthyClient = SseClient.open(app.url() + "/api/invalidations").awaitLive();
                    SseClient starvedClient = SseClient.open(starved.url() + "/api/invalidations").awaitLive()) {

                given().baseUri(starved.url()).post("/api/todos/{id}/complete", todoId).then().statusCode(200);

                // the healthy instance had Redis all along: only the published resync can tell its client
                await().atMost(Duration.ofSeconds(10)).until(() -> healthyClient.eventsOfType("resync").size() == 2);
                await().atMost(Duration.ofSeconds(10)).until(() -> starvedClient.eventsOfType("resync").size() >= 2);
                assertEquals(0, healthyClient.eventsOfType("todo.completed").size());
            }
        }
    }

    private static long createTodo(String title) {
        return given().baseUri(app.url()).contentType(ContentType.JSON).body("{\"title\":\"" + title + "\"}")
                .post("/api/todos").then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
