package io.invalidator.invalidation;

import io.invalidator.testing.SseClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class SubscriptionRefCountTest {

    @TestHTTPResource("/api/invalidations")
    URL stream;

    @Inject
    Channels channels;

    @Inject
    RedisSubscriber subscriber;

    @Inject
    InvalidationStreams streams;

    @Inject
    RedisDataSource redis;

    @Test
    void shouldHoldOneRedisSubscriptionPerChannelHoweverManyClientsListen() {
        long todoId = 900_001;
        String channel = channels.todo(todoId);
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                clients.add(SseClient.open(stream + "?todoId=" + todoId).awaitLive());
            }
            assertEquals(1, numsub(channel));
            assertEquals(1, pubsubClientsNamed(subscriber.clientName()), "one subscriber connection per instance");

            clients.removeFirst().close();
            clients.removeFirst().close();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> numsub(channel) == 1);
        } finally {
            clients.forEach(SseClient::close);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> numsub(channel) == 0);
    }

    @Test
    void shouldReleaseEverythingAfterManyConnectDisconnectCycles() {
        for (int round = 0; round < 20; round++) {
            List<SseClient> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                // overlapping and distinct channels; some clients leave before they are live
                clients.add(SseClient.open(stream + "?todoId=" + (800_000 + i % 3) + "&userId=" + (700_000 + round)));
            }
            if (round % 2 == 0) {
                clients.forEach(SseClient::awaitLive);
            }
            clients.forEach(SseClient::close);
        }
        // every client of this JVM is closed now (test classes run one after the other)
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() == 0);
        } catch (ConditionTimeoutException e) {
            assertEquals(List.of(), streams.describeStreams(), "streams left open");
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                numsub(channels.todo(800_000)) == 0 && numsub(channels.todo(800_002)) == 0
                        && numsub(channels.user(700_019)) == 0);
        assertEquals(1, pubsubClientsNamed(subscriber.clientName()) + (subscriber.subscribedChannels() == 0 ? 1 : 0),
                "still at most one subscriber connection");

        // and the service still delivers
        long todoId = TestTodos.create("after churn");
        try (SseClient client = SseClient.open(stream + "?todoId=" + todoId).awaitLive()) {
            given().post("/api/todos/{id}/complete", todoId).then().statusCode(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> !client.eventsOfType("todo.completed").isEmpty());
        }
    }

    @Test
    void shouldExposeStreamAndChannelGauges() {
        try (SseClient client = SseClient.open(stream + "?todoId=900777").awaitLive()) {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertEquals(true, metrics.contains("invalidation_streams_open"), "open streams gauge");
            assertEquals(true, metrics.contains("invalidation_channels_subscribed"), "subscribed channels gauge");
            assertEquals(true, metrics.contains("invalidation_events_published_total"), "published counter");
        }
    }

    private long numsub(String channel) {
        Response reply = redis.execute("PUBSUB", "NUMSUB", channel);
        return reply.get(1).toLong();
    }

    private long pubsubClientsNamed(String name) {
        String list = redis.execute("CLIENT", "LIST", "TYPE", "pubsub").toString();
        return Arrays.stream(list.split("\n")).filter(line -> line.contains(" name=" + name + " ")).count();
    }
}
