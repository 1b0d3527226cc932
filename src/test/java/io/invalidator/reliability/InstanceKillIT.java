package io.invalidator.reliability;

import io.invalidator.testing.AppProcess;
import io.invalidator.testing.NginxProcess;
import io.invalidator.testing.SseClient;
import io.invalidator.testing.SseClient.Frame;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An instance is SIGKILLed mid-traffic behind the load balancer: its clients come back through the balancer on the
 * other instance (with Last-Event-ID, as EventSource does) and miss nothing; the other clients are not disturbed.
 */
class InstanceKillIT {

    private static final String NAME = "kill";
    private static AppProcess victim;
    private static AppProcess survivor;
    private static NginxProcess nginx;

    @BeforeAll
    static void start() {
        assumeTrue(NginxProcess.isInstalled(), "needs Debian's nginx (apt-get install nginx-light)");
        Map<String, String> props = Map.of("invalidation.heartbeat", "1s");
        victim = AppProcess.start(NAME, props);
        survivor = AppProcess.start(NAME, props);
        nginx = NginxProcess.start(List.of(victim.port(), survivor.port()), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] { nginx, victim, survivor }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void shouldMoveTheClientsOfAKilledInstanceWithoutLosingAnEvent() {
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                clients.add(SseClient.open(nginx.url() + "/api/invalidations").awaitLive());
            }
            long first = createTodo("before the kill");
            await().atMost(Duration.ofSeconds(5)).until(() -> clients.stream().allMatch(c -> got(c, first)));

            victim.kill();

            await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().anyMatch(SseClient::ended));
            List<SseClient> cut = clients.stream().filter(SseClient::ended).toList();
            List<SseClient> untouched = clients.stream().filter(c -> !c.ended()).toList();
            assertTrue(!cut.isEmpty() && !untouched.isEmpty(), "round robin had put clients on both instances");

            // written while the cut clients are away
            long during = createTodo("while they reconnect");
            List<SseClient> back = cut.stream().map(c -> SseClient.open(nginx.url() + "/api/invalidations",
                    Map.of("Last-Event-ID", c.events().getLast().id()))).toList();
            try {
                for (SseClient client : back) {
                    client.awaitLive();
                    assertEquals(200, client.status());
                    await().atMost(Duration.ofSeconds(5)).until(() -> got(client, during));
                    assertEquals("resumed", client.frames().getFirst().comment());
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> untouched.stream().allMatch(c -> got(c, during)));
                for (SseClient client : untouched) {
                    List<String> ids = client.events().stream().map(Frame::id).filter(id -> id != null).toList();
                    assertEquals(ids.size(), ids.stream().distinct().count(), "nothing twice");
                    assertTrue(!client.ended());
                }
            } finally {
                back.forEach(SseClient::close);
            }
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    private static boolean got(SseClient client, long todoId) {
        return client.eventsOfType("todo.created").stream().filter(f -> f.data().contains("\"todoId\":" + todoId + "}"))
                .count() == 1;
    }

    private static long createTodo(String title) {
        return given().baseUri(nginx.url()).contentType(ContentType.JSON).body("{\"title\":\"" + title + "\"}")
                .post("/api/todos").then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
