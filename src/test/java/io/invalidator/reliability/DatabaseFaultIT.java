package io.invalidator.reliability;

import io.invalidator.testing.AppProcess;
import io.invalidator.testing.PostgresProcess;
import io.invalidator.testing.SseClient;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** PostgreSQL goes away and comes back: clear 503s meanwhile, open streams untouched, recovery without restart. */
class DatabaseFaultIT {

    private static PostgresProcess postgres;
    private static AppProcess app;

    @BeforeAll
    static void start() {
        postgres = PostgresProcess.start();
        app = AppProcess.start("dbfault", Map.of("quarkus.datasource.jdbc.url", postgres.jdbcUrl("postgres"),
                "invalidation.heartbeat", "1s"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldAnswer503WhileTheDatabaseIsDownAndRecoverWhenItIsBack() {
        long todoId = given().baseUri(app.url()).contentType(ContentType.JSON).body("{\"title\":\"before\"}")
                .post("/api/todos").then().statusCode(201).extract().jsonPath().getLong("id");
        try (SseClient client = SseClient.open(app.url() + "/api/invalidations?todoId=" + todoId).awaitLive()) {

            postgres.stopServer();

            await().atMost(Duration.ofSeconds(20)).until(() -> app.readyStatus() == 503);
            given().baseUri(app.url()).get("/q/health/live").then().statusCode(200);
            given().baseUri(app.url()).post("/api/todos/{id}/complete", todoId)
                    .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "2");
            given().baseUri(app.url()).get("/api/todos")
                    .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "2");
            int beats = client.comments().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> client.comments().size() > beats);
            assertFalse(client.ended(), "open streams stay open while the database is away");

            postgres.startServer();

            await().atMost(Duration.ofSeconds(30)).until(() -> app.readyStatus() == 200);
            given().baseUri(app.url()).post("/api/todos/{id}/complete", todoId).then().statusCode(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.eventsOfType("todo.completed").size() == 1);
            given().baseUri(app.url()).get("/api/todos/{id}", todoId).then().body("status", equalTo("COMPLETED"));
        }
    }
}
