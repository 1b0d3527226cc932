package io.invalidator.testing;

import io.restassured.http.ContentType;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** Creates data through the public API, as a client would. */
public final class TestApi {

    /** A valid id that no row will ever have. */
    public static final long MISSING = Long.MAX_VALUE;

    private TestApi() {
    }

    public static long createTodo(String title) {
        return given().contentType(ContentType.JSON).body(Map.of("title", title))
                .post("/api/todos").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long createUser(String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/users").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static void complete(long todoId) {
        given().post("/api/todos/{id}/complete", todoId).then().statusCode(200);
    }
}
