package io.invalidator.jobs;

import io.invalidator.testing.TestDb;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Data and observations through the public API (of the test application, or of an instance at a base URL). */
final class JobsFixture {

    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

    private JobsFixture() {
    }

    static RequestSpecification on(String baseUrl) {
        return baseUrl == null ? given() : given().baseUri(baseUrl);
    }

    static long createUser(String name) {
        return on(null).contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/users").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    static long createTodo(String title) {
        return createTodo(null, title);
    }

    static long createTodo(String baseUrl, String title) {
        return on(baseUrl).contentType(ContentType.JSON).body(Map.of("title", title))
                .post("/api/todos").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    static List<Long> createTodos(int count, String title) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(createTodo(title + " " + i));
        }
        return ids;
    }

    static TestDb.Stats stats() {
        return stats(null);
    }

    static TestDb.Stats stats(String baseUrl) {
        return TestDb.fromResponse(on(baseUrl).get("/api/stats").then().statusCode(200).extract().jsonPath()
                .getMap("$"));
    }

    /** Waits until no recalculation is pending or running and the served stats are the truth. */
    static void awaitSettled(String jobTable, String schema, String... baseUrls) {
        List<String> urls = baseUrls.length == 0 ? java.util.Collections.singletonList(null) : List.of(baseUrls);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                TestDb.count("SELECT count(*) FROM " + jobTable + " WHERE task_name = 'recalculate-stats'") == 0
                        && urls.stream().allMatch(url -> stats(url).equals(TestDb.truth(schema))));
    }

    /** Attempts of this kind so far (successful or not), from the instance's Prometheus metrics. */
    static double runs(String kind) {
        return runs(null, kind);
    }

    static double runs(String baseUrl, String kind) {
        return metric(baseUrl, "jobs_runs_total", kind);
    }

    static double metric(String baseUrl, String name, String kind) {
        String body = on(baseUrl).get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        Matcher m = SAMPLE.matcher(body);
        while (m.find()) {
            if (m.group(1).equals(name) && m.group(2).contains("kind=\"" + kind + "\"")) {
                sum += Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }

    static List<String> failedJobIds() {
        return given().get("/api/jobs/failed").then().statusCode(200).extract().jsonPath().getList("jobId");
    }

    /** Waits for the start of a coalescing window, so that what follows within a few ms falls into one window. */
    static void awaitStartOfWindow(long windowMillis) {
        await().pollInterval(Duration.ofMillis(2)).atMost(Duration.ofMillis(2 * windowMillis))
                .until(() -> System.currentTimeMillis() % windowMillis < 20);
    }
}
