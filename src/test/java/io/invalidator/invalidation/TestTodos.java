package io.invalidator.invalidation;

import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;

/** Creates data through the public API, as a client would. */
final class TestTodos {

    private TestTodos() {
    }

    static long create(String title) {
        return given().contentType(ContentType.JSON).body("{\"title\":\"" + title + "\"}")
                .post("/api/todos").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    static long createUser(String name) {
        return given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\"}")
                .post("/api/users").then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
