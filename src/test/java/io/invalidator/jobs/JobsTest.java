package io.invalidator.jobs;

import io.invalidator.testing.SseClient;
import io.invalidator.testing.TestDb;
import io.invalidator.todo.TodoService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs against the real PostgreSQL and Redis, with the scheduler of this test application running them. The probe
 * kind ({@link ProbeJob}) exists only in tests, as a test-scope bean.
 */
@QuarkusTest
class JobsTest {

    static final String ENV = System.getenv().getOrDefault("INVALIDATOR_TEST_ENV", "test");
    static final String SCHEMA = TestDb.schema(ENV);
    static final String JOB_TABLE = SCHEMA + "." + ENV + "_scheduled_tasks";
    private static final Duration QUIET = Duration.ofMillis(1500);

    @TestHTTPResource("/api/invalidations")
    URL stream;

    @Inject
    Jobs jobs;

    @Inject
    TodoService todos;

    @Inject
    ProbeJobHandler probes;

    @Test
    void shouldPublishStatsUpdatedOnceTheRecalculationRanAndServeTheFreshStats() {
        try (SseClient client = SseClient.open(stream.toString()).awaitLive()) {
            long todoId = JobsFixture.createTodo("stats after job");

            await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<String> types = client.events().stream().map(SseClient.Frame::type).toList();
                int created = types.indexOf("todo.created");
                return created >= 0 && types.subList(created, types.size()).contains("stats.updated")
                        && JobsFixture.stats().equals(TestDb.truth(SCHEMA));
            });
            List<Long> ids = given().get("/api/todos").jsonPath().getList("id", Long.class);
            assertTrue(ids.contains(todoId));
        }
    }

    @Test
    void shouldCoalesceABurstOfCompletionsAndEndWithTheTrueStats() throws Exception {
        List<Long> ids = JobsFixture.createTodos(100, "burst");
        JobsFixture.awaitSettled(JOB_TABLE, SCHEMA);
        double runsBefore = JobsFixture.runs("recalculate-stats");

        long started = System.nanoTime();
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            CompletableFuture.allOf(ids.stream().map(id -> CompletableFuture.runAsync(() -> given()
                    .post("/api/todos/{id}/complete", id).then().statusCode(200), clients))
                    .toArray(CompletableFuture[]::new)).get();
        }
        long burstMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        JobsFixture.awaitSettled(JOB_TABLE, SCHEMA);

        long recalculations = Math.round(JobsFixture.runs("recalculate-stats") - runsBefore);
        System.out.printf("DEDUP: 100 completions in %d ms -> %d recalculations (window %s)%n", burstMillis,
                recalculations, "300ms");
        assertTrue(recalculations >= 1, "at least one recalculation");
        assertTrue(recalculations <= burstMillis / 300 + 3,
                recalculations + " recalculations for a burst of " + burstMillis + " ms");
        assertEquals(TestDb.truth(SCHEMA), JobsFixture.stats());
    }

    @Test
    void shouldEnqueueNothingWhenTheWriteRollsBack() {
        long userId = JobsFixture.createUser("rollback");
        long todoId = JobsFixture.createTodo("rolled back assignment");
        String payload = "{\"userId\":" + userId + ",\"todoId\":" + todoId + "}@%";

        RuntimeException rolledBack = assertThrows(RuntimeException.class,
                () -> QuarkusTransaction.requiringNew().run(() -> {
                    todos.assign(todoId, userId, null);
                    Number inTransaction = (Number) io.invalidator.todo.Todo.getEntityManager()
                            .createNativeQuery("SELECT count(*) FROM " + JOB_TABLE + " WHERE task_instance LIKE ?1")
                            .setParameter(1, payload).getSingleResult();
                    assertEquals(1, inTransaction.intValue(), "the job row is written in the write's transaction");
                    throw new IllegalStateException("roll back");
                }));
        assertEquals("roll back", rolledBack.getMessage());

        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() ->
                TestDb.count("SELECT count(*) FROM " + JOB_TABLE + " WHERE task_instance LIKE ?", payload) == 0
                        && given().queryParam("userId", userId).get("/api/notifications").jsonPath()
                        .getList("id").isEmpty());
    }

    @Test
    void shouldNotifyTheNewAssigneeThroughTheOutboxAndTheUserChannel() {
        long userId = JobsFixture.createUser("assignee");
        long todoId = JobsFixture.createTodo("to be assigned");
        try (SseClient client = SseClient.open(stream + "?userId=" + userId).awaitLive()) {
            given().contentType(ContentType.JSON).body(Map.of("userId", userId))
                    .put("/api/todos/{id}/assignee", todoId).then().statusCode(200);

            await().atMost(Duration.ofSeconds(10)).until(() -> !client.eventsOfType("notification.created").isEmpty());
            List<Map<String, Object>> notifications = given().queryParam("userId", userId)
                    .get("/api/notifications").jsonPath().getList("$");
            assertEquals(1, notifications.size());
            assertEquals(todoId, ((Number) notifications.getFirst().get("todoId")).longValue());
            assertEquals("assigned", notifications.getFirst().get("kind"));
        }
    }

    @Test
    void shouldRequireATransactionAKnownKindAndAValidPayload() {
        assertThrows(TransactionalException.class, () -> jobs.enqueue(new RecalculateStats()));

        Job unknown = new Job() {
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuarkusTransaction.requiringNew().run(() -> jobs.enqueue(unknown)));
        assertTrue(e.getMessage().startsWith("no job handler for"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> new NotifyAssignee(0, 1));
    }

    @Test
    void shouldRetryWithGrowingDelaysAndSucceedOnTheThirdAttempt() {
        String name = "twice-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> jobs.enqueue(new ProbeJob(name, 2)));

        await().atMost(Duration.ofSeconds(15)).until(() -> probes.attempts(name).size() == 3);
        List<ProbeJobHandler.Attempt> attempts = probes.attempts(name);
        assertEquals(List.of(false, false, true), attempts.stream().map(ProbeJobHandler.Attempt::success).toList());
        Duration first = Duration.between(attempts.get(0).at(), attempts.get(1).at());
        Duration second = Duration.between(attempts.get(1).at(), attempts.get(2).at());
        assertTrue(first.toMillis() >= 300, "first retry after the 300ms delay: " + first);
        assertTrue(second.toMillis() >= 600 && second.compareTo(first) > 0, "backoff grows: " + first + ", " + second);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> probes.attempts(name).size() == 3
                && JobsFixture.failedJobIds().stream().noneMatch(id -> id.contains(name)));
    }

    @Test
    void shouldKeepAJobThatFailsEveryAttemptVisibleAsFailed() {
        String name = "always-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> jobs.enqueue(new ProbeJob(name, 100)));

        await().atMost(Duration.ofSeconds(15)).until(() ->
                JobsFixture.failedJobIds().stream().anyMatch(id -> id.contains(name)));
        Map<String, Object> failed = given().get("/api/jobs/failed").jsonPath().<Map<String, Object>>getList("$")
                .stream().filter(f -> ((String) f.get("jobId")).contains(name)).findFirst().orElseThrow();
        assertEquals("probe", failed.get("kind"));
        assertEquals(3, failed.get("attempts"));
        assertTrue(((String) failed.get("lastFailure")).contains("fails attempt 3"), failed.toString());
        assertTrue(((String) failed.get("payload")).contains(name), failed.toString());
        assertEquals(0, TestDb.count("SELECT count(*) FROM " + JOB_TABLE + " WHERE task_instance LIKE ?",
                "%" + name + "%"), "no longer in the job table");
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> probes.attempts(name).size() == 3);
    }

    @Test
    void shouldNotRunAPendingJobBeforeAWriterThatJoinedItCommits() {
        String name = "joined-" + UUID.randomUUID();
        ProbeJob job = new ProbeJob(name, 0);
        JobsFixture.awaitStartOfWindow(300);
        QuarkusTransaction.requiringNew().run(() -> jobs.enqueue(job)); // committed: pending, due at the window's end

        QuarkusTransaction.requiringNew().run(() -> {
            jobs.enqueue(job); // joins the pending job, which is due in a few ms
            assertEquals(1, TestDb.count("SELECT count(*) FROM " + JOB_TABLE + " WHERE task_instance LIKE ?",
                    "%" + name + "%"), "both enqueues fell into one window");
            // 2 s of "not run" while this writer holds the job; the slack is for a loaded machine's slow polls
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(6))
                    .until(() -> probes.attempts(name).isEmpty());
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> probes.attempts(name).size() == 1);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> probes.attempts(name).size() == 1);
    }

    @Test
    void shouldRunAgainWhenEnqueuedWhileRunning() throws Exception {
        String name = "rerun-" + UUID.randomUUID();
        probes.hold(name);
        QuarkusTransaction.requiringNew().run(() -> jobs.enqueue(new ProbeJob(name, 0)));
        assertTrue(probes.awaitRunning(name, 10));

        QuarkusTransaction.requiringNew().run(() -> jobs.enqueue(new ProbeJob(name, 0)));
        probes.open(name);

        await().atMost(Duration.ofSeconds(10)).until(() -> probes.attempts(name).size() == 2);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> probes.attempts(name).size() == 2);
    }
}
