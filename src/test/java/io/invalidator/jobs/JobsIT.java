package io.invalidator.jobs;

import io.invalidator.testing.AppProcess;
import io.invalidator.testing.SseClient;
import io.invalidator.testing.TestDb;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jobs across real instances of the packaged service: several instances, and several environments. */
class JobsIT {

    @Test
    void shouldRunEachJobOnceAndConvergeAfterBurstsOnTwoInstances() throws Exception {
        String env = AppProcess.namespace("multi");
        String schema = TestDb.schema(env);
        String jobTable = schema + "." + env + "_scheduled_tasks";
        try (AppProcess a = AppProcess.start("multi"); AppProcess b = AppProcess.start("multi")) {
            List<String> urls = List.of(a.url(), b.url());
            long[] users = { createUser(a.url(), "ann"), createUser(b.url(), "bob") };
            List<Long> todos = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                todos.add(JobsFixture.createTodo(urls.get(i % 2), "multi " + i));
            }
            JobsFixture.awaitSettled(jobTable, schema, a.url(), b.url());
            double notifiesBefore = sum(urls, "jobs_runs_total", "notify-assignee");

            try (SseClient onA = SseClient.open(a.url() + "/api/invalidations").awaitLive();
                    SseClient onB = SseClient.open(b.url() + "/api/invalidations").awaitLive();
                    ExecutorService clients = Executors.newFixedThreadPool(8)) {
                List<CompletableFuture<Void>> writes = new ArrayList<>();
                for (int i = 0; i < todos.size(); i++) {
                    long id = todos.get(i);
                    String url = urls.get(i % 2);
                    String other = urls.get((i + 1) % 2);
                    long user = users[i % 2];
                    writes.add(CompletableFuture.runAsync(() -> {
                        given().baseUri(url).contentType(ContentType.JSON).body(Map.of("userId", user))
                                .put("/api/todos/{id}/assignee", id).then().statusCode(200);
                        given().baseUri(other).post("/api/todos/{id}/complete", id).then().statusCode(200);
                        if (id % 3 == 0) {
                            given().baseUri(url).contentType(ContentType.JSON).body(Map.of("status", "OPEN"))
                                    .patch("/api/todos/{id}", id).then().statusCode(200);
                        }
                        if (id % 5 == 0) {
                            given().baseUri(other).delete("/api/todos/{id}", id).then().statusCode(204);
                        }
                    }, clients));
                }
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();

                JobsFixture.awaitSettled(jobTable, schema, a.url(), b.url());
                assertEquals(TestDb.truth(schema), JobsFixture.stats(a.url()));
                for (SseClient client : List.of(onA, onB)) {
                    assertTrue(!client.eventsOfType("stats.updated").isEmpty(), "stats.updated on every instance");
                }
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> TestDb.count("SELECT count(*) FROM " + jobTable) == 0);
            double notifyRuns = sum(urls, "jobs_runs_total", "notify-assignee") - notifiesBefore;
            long notifications = TestDb.count("SELECT count(*) FROM " + schema + ".notification WHERE todo_id = ANY(?)",
                    (Object) todos.toArray(Long[]::new));
            System.out.printf("TWO INSTANCES: notify-assignee runs a=%s b=%s; recalculate-stats runs a=%s b=%s%n",
                    JobsFixture.runs(a.url(), "notify-assignee"), JobsFixture.runs(b.url(), "notify-assignee"),
                    JobsFixture.runs(a.url(), "recalculate-stats"), JobsFixture.runs(b.url(), "recalculate-stats"));
            assertEquals(todos.size(), Math.round(notifyRuns), "one run per notify job, on one instance");
            assertTrue(notifications <= todos.size(), "no notification twice: " + notifications);
        }
    }

    @Test
    void shouldNotTakeTheJobsOfAnotherEnvironmentSharingTheSchema() {
        String schema = TestDb.schema(AppProcess.namespace("iso"));
        String envA = AppProcess.namespace("isoa");
        String tableA = schema + "." + envA + "_scheduled_tasks";
        Map<String, String> sharedSchema = Map.of("invalidator.schema", schema);
        Map<String, String> enqueueOnly = Map.of("invalidator.schema", schema, "jobs.worker", "false");

        long todoId;
        try (AppProcess a = AppProcess.start("isoa", enqueueOnly);
                AppProcess b = AppProcess.start("isob", sharedSchema)) {
            todoId = JobsFixture.createTodo(a.url(), "env a");

            await().atMost(Duration.ofSeconds(5)).until(() -> TestDb.count("SELECT count(*) FROM " + tableA
                    + " WHERE task_name = 'recalculate-stats'") == 1);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                    TestDb.count("SELECT count(*) FROM " + tableA + " WHERE NOT picked") == 1
                            && JobsFixture.runs(b.url(), "recalculate-stats") == 0);
        }

        try (AppProcess a = AppProcess.start("isoa", sharedSchema)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> TestDb.count("SELECT count(*) FROM " + tableA) == 0);
            assertEquals(1, Math.round(JobsFixture.runs(a.url(), "recalculate-stats")), "environment a ran its job");
            assertEquals(TestDb.truth(schema), JobsFixture.stats(a.url()));
            assertTrue(given().baseUri(a.url()).get("/api/todos").jsonPath().getList("id", Long.class)
                    .contains(todoId));
        }
    }

    private static long createUser(String url, String name) {
        return given().baseUri(url).contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/users").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static double sum(List<String> urls, String metric, String kind) {
        return urls.stream().mapToDouble(url -> JobsFixture.metric(url, metric, kind)).sum();
    }
}
