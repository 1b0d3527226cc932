package io.invalidator;

import io.invalidator.testing.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole flow over HTTP only, so that the same class runs in the JVM ({@code @QuarkusTest}), against the packaged
 * jar and against a native executable ({@link ServiceBlackBoxIT}).
 */
@QuarkusTest
public class ServiceBlackBoxTest {

    @TestHTTPResource("/api/invalidations")
    URL stream;

    @Test
    void shouldStreamEveryMutationOfTheFlowAfterItsCommit() {
        long userId = given().contentType(ContentType.JSON).body("{\"name\":\"Black Box\"}").post("/api/users")
                .then().statusCode(201).header("Location", containsString("/api/users/"))
                .extract().jsonPath().getLong("id");
        long todoId = given().contentType(ContentType.JSON).body("{\"title\":\"end to end\"}").post("/api/todos")
                .then().statusCode(201).body("status", equalTo("OPEN")).extract().jsonPath().getLong("id");

        try (SseClient client = SseClient.open(stream + "?todoId=" + todoId + "&userId=" + userId).awaitLive()) {
            assertEquals("resync", client.events().getFirst().type());

            given().contentType(ContentType.JSON).body("{\"userId\":" + userId + "}")
                    .put("/api/todos/{id}/assignee", todoId).then().statusCode(200).body("assigneeId", equalTo((int) userId));
            given().post("/api/todos/{id}/complete", todoId).then().statusCode(200).body("status", equalTo("COMPLETED"));
            given().contentType(ContentType.JSON).body("{\"status\":\"OPEN\"}")
                    .patch("/api/todos/{id}", todoId).then().statusCode(200).body("status", equalTo("OPEN"));
            given().delete("/api/todos/{id}", todoId).then().statusCode(204);

            await().atMost(Duration.ofSeconds(10)).until(() -> !client.eventsOfType("todo.deleted").isEmpty());
            // the jobs' own events (stats.updated, notification.created) come whenever their job ran
            List<String> types = client.events().stream().map(SseClient.Frame::type)
                    .filter(type -> !type.equals("stats.updated") && !type.equals("notification.created")).toList();
            assertEquals(List.of("resync", "user.assigned", "todo.completed", "todo.updated", "todo.deleted"), types);
            given().get("/api/todos/{id}", todoId).then().statusCode(404).contentType("application/problem+json");
        }
    }

    @Test
    void shouldAnswerBadInputWithAProblem() {
        given().contentType(ContentType.JSON).body("{\"title\":\"\"}").post("/api/todos")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("title"));
        given().contentType(ContentType.JSON).body("{not json").post("/api/todos")
                .then().statusCode(400).contentType("application/problem+json");
        given().get("/api/todos/abc").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.TEXT).body("title").post("/api/todos")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void shouldExposeHealthMetricsAndOpenApi() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'redis-subscriber' }.status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("invalidation_streams_open"));
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/api/invalidations'", notNullValue());
        given().get("/api/stats").then().statusCode(200).body("total", notNullValue());
    }
}
