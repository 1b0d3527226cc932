package io.invalidator.invalidation;

import io.invalidator.testing.SseClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class RedisMessageValidationTest {

    @TestHTTPResource("/api/invalidations")
    URL stream;

    @Inject
    Channels channels;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Test
    void shouldDropAndCountGarbageAndKeepTheStreamGoing() {
        List<String> garbage = List.of("not json", "{\"id\":\"1-0\",\"type\":\"todo.exploded\",\"todoId\":1}",
                "{\"id\":\"1-0\",\"type\":\"todo.completed\",\"todoId\":\"x\"}", "{\"id\":\"1-0\"}", "[]",
                "{\"id\":\"1-0\",\"type\":\"stats.updated\",\"pad\":\"" + "x".repeat(10_000) + "\"}");
        try (SseClient client = SseClient.open(stream.toString()).awaitLive()) {
            double invalidBefore = dropped("invalid");
            double tooLargeBefore = dropped("too-large");

            garbage.forEach(payload -> redis.pubsub(String.class).publish(channels.global(), payload));
            redis.pubsub(String.class).publish(channels.global(),
                    "{\"id\":\"9-0\",\"type\":\"todo.deleted\",\"todoId\":123}");

            await().atMost(Duration.ofSeconds(5)).until(() -> !client.eventsOfType("todo.deleted").isEmpty());
            // stats.updated may come meanwhile from a background job of an earlier test
            assertEquals(2, client.events().stream().filter(f -> !"stats.updated".equals(f.type())).count(),
                    "the first frame and the one valid event, nothing else");
            assertEquals("{\"id\":\"9-0\",\"type\":\"todo.deleted\",\"todoId\":123}",
                    client.eventsOfType("todo.deleted").getFirst().data());
            assertEquals(invalidBefore + 5, dropped("invalid"));
            assertEquals(tooLargeBefore + 1, dropped("too-large"));
        }
    }

    private double dropped(String reason) {
        var counter = Search.in(registry).name("invalidation.events.dropped").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
