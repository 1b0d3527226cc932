package io.invalidator.todo;

import io.invalidator.testing.Tables;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static io.invalidator.testing.TestApi.MISSING;
import static io.invalidator.testing.TestApi.complete;
import static io.invalidator.testing.TestApi.createTodo;
import static io.invalidator.testing.TestApi.createUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class TodoResourceTest {

    @Inject
    Tables tables;

    @BeforeEach
    void cleanTables() {
        tables.clear();
    }

    @Test
    void shouldCreateAnOpenTodoWithLocationETagAndBody() {
        var response = given().contentType(ContentType.JSON).body("{\"title\":\"  Buy milk  \"}")
                .post("/api/todos")
                .then().statusCode(201)
                .contentType(ContentType.JSON)
                .header("ETag", "\"0\"")
                .body("title", equalTo("Buy milk"))
                .body("status", equalTo("OPEN"))
                .body("assigneeId", nullValue())
                .body("version", equalTo(0))
                .body("updatedAt", notNullValue())
                .extract();
        long id = response.jsonPath().getLong("id");

        assertThat(response.header("Location"), endsWith("/api/todos/" + id));
        given().get(response.header("Location")).then().statusCode(200).body("title", equalTo("Buy milk"));
    }

    @Test
    void shouldCreateATodoAssignedToAUser() {
        long user = createUser("Ann");

        given().contentType(ContentType.JSON).body(Map.of("title", "Assigned", "assigneeId", user))
                .post("/api/todos")
                .then().statusCode(201).body("assigneeId", equalTo((int) user));
    }

    @Test
    void shouldGetATodoWithItsVersionAsETag() {
        long id = createTodo("Read me");
        complete(id);

        given().get("/api/todos/{id}", id)
                .then().statusCode(200)
                .header("ETag", "\"1\"")
                .body("id", equalTo((int) id))
                .body("status", equalTo("COMPLETED"))
                .body("version", equalTo(1));
    }

    @Test
    void shouldListTodosOldestFirstAndFilterByStatusAndAssignee() {
        long ann = createUser("Ann");
        long bob = createUser("Bob");
        long first = createTodo("first");
        long second = assigned("second", ann);
        long third = assigned("third", bob);
        complete(second);

        given().get("/api/todos").then().statusCode(200).body("id", contains(ids(first, second, third)));
        given().queryParam("status", "OPEN").get("/api/todos").then().body("id", contains(ids(first, third)));
        given().queryParam("status", "COMPLETED").get("/api/todos").then().body("id", contains(ids(second)));
        given().queryParam("assigneeId", ann).get("/api/todos").then().body("id", contains(ids(second)));
        given().queryParam("assigneeId", bob).queryParam("status", "COMPLETED").get("/api/todos")
                .then().body("$", empty());
    }

    @Test
    void shouldUpdateTitleAndStatusAndReturnTheNewVersion() {
        long id = createTodo("Draft");

        given().contentType(ContentType.JSON).body("{\"title\":\"Final\",\"status\":\"COMPLETED\"}")
                .patch("/api/todos/{id}", id)
                .then().statusCode(200)
                .header("ETag", "\"1\"")
                .body("title", equalTo("Final"))
                .body("status", equalTo("COMPLETED"))
                .body("version", equalTo(1));
        given().contentType(ContentType.JSON).body("{\"status\":\"OPEN\"}")
                .patch("/api/todos/{id}", id)
                .then().statusCode(200).body("status", equalTo("OPEN")).body("version", equalTo(2));
    }

    @Test
    void shouldKeepTheVersionWhenAPatchChangesNothing() {
        long id = createTodo("Same");

        given().contentType(ContentType.JSON).body("{\"title\":\" Same \",\"status\":\"OPEN\"}")
                .patch("/api/todos/{id}", id)
                .then().statusCode(200).header("ETag", "\"0\"").body("version", equalTo(0));
        assertEquals(0, tables.todo(id).version);
    }

    @Test
    void shouldCompleteIdempotentlyKeepingTheVersion() {
        long id = createTodo("Once");

        given().post("/api/todos/{id}/complete", id)
                .then().statusCode(200).body("status", equalTo("COMPLETED")).body("version", equalTo(1));
        var updatedAt = tables.todo(id).updatedAt;
        given().post("/api/todos/{id}/complete", id)
                .then().statusCode(200).header("ETag", "\"1\"").body("version", equalTo(1));

        assertEquals(1, tables.todo(id).version);
        assertEquals(updatedAt, tables.todo(id).updatedAt);
    }

    @Test
    void shouldAssignAUserAndKeepTheVersionWhenAssignedAgain() {
        long user = createUser("Ann");
        long id = createTodo("Assign me");

        given().contentType(ContentType.JSON).body(Map.of("userId", user))
                .put("/api/todos/{id}/assignee", id)
                .then().statusCode(200).header("ETag", "\"1\"").body("assigneeId", equalTo((int) user));
        given().contentType(ContentType.JSON).body(Map.of("userId", user))
                .put("/api/todos/{id}/assignee", id)
                .then().statusCode(200).body("version", equalTo(1));
    }

    @Test
    void shouldReturn404ForAnUnknownAssigneeAndLeaveTheTodoAlone() {
        long id = createTodo("Keep");

        given().contentType(ContentType.JSON).body(Map.of("userId", MISSING))
                .put("/api/todos/{id}/assignee", id)
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("User " + MISSING + " not found"));

        Todo todo = tables.todo(id);
        assertEquals(null, todo.assigneeId);
        assertEquals(0, todo.version);
    }

    @Test
    void shouldDeleteWith204AndThenAnswer404() {
        long id = createTodo("Delete me");

        given().delete("/api/todos/{id}", id).then().statusCode(204);

        given().get("/api/todos/{id}", id).then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("Todo " + id + " not found"));
        given().delete("/api/todos/{id}", id).then().statusCode(404);
        given().post("/api/todos/{id}/complete", id).then().statusCode(404);
        assertEquals(0, tables.todoCount());
    }

    private static long assigned(String title, long userId) {
        return given().contentType(ContentType.JSON).body(Map.of("title", title, "assigneeId", userId))
                .post("/api/todos").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static Integer[] ids(long... ids) {
        return Arrays.stream(ids).mapToObj(id -> (int) id).toArray(Integer[]::new);
    }
}
