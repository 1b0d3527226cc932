package io.invalidator.user;

import io.invalidator.testing.Tables;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.invalidator.testing.TestApi.MISSING;
import static io.invalidator.testing.TestApi.createUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class UserResourceTest {

    @Inject
    Tables tables;

    @BeforeEach
    void cleanTables() {
        tables.clear();
    }

    @Test
    void shouldCreateAUserWithLocationAndBody() {
        var response = given().contentType(ContentType.JSON).body("{\"name\":\" Ann \"}")
                .post("/api/users")
                .then().statusCode(201)
                .contentType(ContentType.JSON)
                .body("name", equalTo("Ann"))
                .body("createdAt", notNullValue())
                .extract();
        long id = response.jsonPath().getLong("id");

        assertThat(response.header("Location"), endsWith("/api/users/" + id));
        given().get(response.header("Location")).then().statusCode(200)
                .body("id", equalTo((int) id)).body("name", equalTo("Ann"));
    }

    @Test
    void shouldAcceptANameOfExactly100Characters() {
        given().contentType(ContentType.JSON).body("{\"name\":\"" + "n".repeat(100) + "\"}")
                .post("/api/users").then().statusCode(201);
    }

    @Test
    void shouldListUsersById() {
        given().get("/api/users").then().statusCode(200).body("$", empty());
        long ann = createUser("Ann");
        long bob = createUser("Bob");

        given().get("/api/users").then().statusCode(200)
                .body("id", contains((int) ann, (int) bob))
                .body("name", contains("Ann", "Bob"));
    }

    @Test
    void shouldReturn404ProblemForAnUnknownUser() {
        given().get("/api/users/{id}", MISSING)
                .then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", equalTo("User " + MISSING + " not found"));
    }
}
