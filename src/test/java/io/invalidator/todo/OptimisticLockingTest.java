package io.invalidator.todo;

import io.agroal.api.AgroalDataSource;
import io.invalidator.testing.Tables;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.invalidator.testing.TestApi.createTodo;
import static io.invalidator.testing.TestApi.createUser;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** ETag / If-Match, and what happens when two writers meet: one wins, the other gets a 409, nothing is lost. */
@QuarkusTest
class OptimisticLockingTest {

    @Inject
    Tables tables;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "invalidator.schema")
    String schema;

    @BeforeEach
    void cleanTables() {
        tables.clear();
    }

    @Test
    void shouldAcceptAStrongWeakOrAnyIfMatchOfTheCurrentVersion() {
        long id = createTodo("v0");

        patch(id, "\"0\"", "{\"title\":\"v1\"}").then().statusCode(200).header("ETag", "\"1\"");
        patch(id, "W/\"1\"", "{\"title\":\"v2\"}").then().statusCode(200).header("ETag", "\"2\"");
        patch(id, "*", "{\"title\":\"v3\"}").then().statusCode(200).header("ETag", "\"3\"");
    }

    @Test
    void shouldRejectAStalePatchWith409AndKeepTheFirstWrite() {
        long id = createTodo("original");
        String etag = given().get("/api/todos/{id}", id).header("ETag");

        // two clients read version 0; the first one writes
        patch(id, etag, "{\"title\":\"first\"}").then().statusCode(200);
        patch(id, etag, "{\"title\":\"second\"}")
                .then().statusCode(409).contentType("application/problem+json")
                .body("status", equalTo(409)).body("title", equalTo("Conflict"));

        Todo todo = tables.todo(id);
        assertEquals("first", todo.title);
        assertEquals(1, todo.version);
    }

    @Test
    void shouldRejectAStaleAssignmentWith409() {
        long ann = createUser("Ann");
        long bob = createUser("Bob");
        long id = createTodo("contested");
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"").body(Map.of("userId", ann))
                .put("/api/todos/{id}/assignee", id).then().statusCode(200);

        given().contentType(ContentType.JSON).header("If-Match", "\"0\"").body(Map.of("userId", bob))
                .put("/api/todos/{id}/assignee", id).then().statusCode(409).contentType("application/problem+json");

        assertEquals(ann, tables.todo(id).assigneeId);
    }

    @Test
    void shouldAnswer409WhenAnotherWriterCommitsBetweenOurReadAndOurUpdate() throws Exception {
        long id = createTodo("raced");
        Response response;
        try (Connection other = dataSource.getConnection()) {
            // another writer updates the row and holds its lock, uncommitted
            other.setAutoCommit(false);
            try (PreparedStatement update = other.prepareStatement(
                    "update " + schema + ".todo set title = 'other writer', version = version + 1 where id = ?")) {
                update.setLong(1, id);
                update.executeUpdate();
            }
            // our PATCH reads version 0 (no If-Match: it passes the check) and then waits on that lock in its UPDATE
            CompletableFuture<Response> patch =
                    CompletableFuture.supplyAsync(() -> patch(id, null, "{\"title\":\"ours\"}"));
            await().atMost(Duration.ofSeconds(10)).until(this::updateWaitsOnALock);
            other.commit();
            response = patch.get(10, TimeUnit.SECONDS);
        }

        response.then().statusCode(409).contentType("application/problem+json").body("status", equalTo(409));
        Todo todo = tables.todo(id);
        assertEquals("other writer", todo.title, "the committed write is not lost");
        assertEquals(1, todo.version);
    }

    private static Response patch(long id, String ifMatch, String body) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return request.patch("/api/todos/{id}", id);
    }

    private boolean updateWaitsOnALock() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("select count(*) from pg_stat_activity"
                        + " where wait_event_type = 'Lock' and query like ?")) {
            query.setString(1, "update " + schema + ".todo set %");
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        }
    }
}
