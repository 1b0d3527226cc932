package io.invalidator.stats;

import io.invalidator.testing.Tables;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.invalidator.testing.TestApi.complete;
import static io.invalidator.testing.TestApi.createTodo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class StatsResourceTest {

    @Inject
    Tables tables;

    @BeforeEach
    void cleanTables() {
        tables.clear();
    }

    @Test
    void shouldCountNothingWhenThereAreNoTodos() {
        given().get("/api/stats").then().statusCode(200)
                .body("total", equalTo(0)).body("open", equalTo(0)).body("completed", equalTo(0));
    }

    @Test
    void shouldCountOpenAndCompletedTodos() {
        createTodo("one");
        long two = createTodo("two");
        long three = createTodo("three");
        complete(two);
        complete(three);
        complete(three); // idempotent: still one completed todo

        // the stats table is recalculated by a background job right after the mutations
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/stats").then().statusCode(200)
                .body("total", equalTo(3)).body("open", equalTo(1)).body("completed", equalTo(2)));
    }

    @Test
    void shouldNoLongerCountADeletedTodo() {
        long one = createTodo("one");
        long two = createTodo("two");
        complete(two);

        given().delete("/api/todos/{id}", one).then().statusCode(204);
        given().delete("/api/todos/{id}", two).then().statusCode(204);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/stats").then().statusCode(200)
                .body("total", equalTo(0)).body("open", equalTo(0)).body("completed", equalTo(0)));
    }
}
