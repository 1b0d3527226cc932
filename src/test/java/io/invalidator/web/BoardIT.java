package io.invalidator.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.invalidator.testing.AppProcess;
import io.invalidator.testing.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WindowType;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task board in headless Chromium against two instances of the packaged service that share one database schema
 * and one channel namespace: two windows, one per instance, must stay in sync through the invalidation stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the restart replaces instance B: last
class BoardIT {

    private static final String NAME = "ui";
    private static final Duration SHORT = Duration.ofSeconds(10);
    /** Issue #3: completing in one window shows in the other within a second. */
    private static final Duration SYNC = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private AppProcess appA;
    private AppProcess appB;
    private Browser browser;
    private BoardPage pageA;
    private BoardPage pageB;

    @BeforeAll
    void start() {
        Browser.assumeInstalled();
        dropSchema("invalidator_" + AppProcess.namespace(NAME));
        appA = AppProcess.start(NAME);
        appB = AppProcess.start(NAME);
        browser = Browser.start();
        String windowA = browser.driver().getWindowHandle();
        String windowB = browser.driver().switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        pageA = new BoardPage(browser.driver(), windowA, appA.url());
        pageB = new BoardPage(browser.driver(), windowB, appB.url());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        for (AppProcess app : new AppProcess[] { appA, appB }) {
            if (app != null) {
                app.close();
            }
        }
    }

    @BeforeEach
    void openBothWindows() {
        pageA.open();
        pageB.open();
    }

    @Test
    @Order(1)
    void shouldKeepTwoWindowsOnTwoInstancesInSync() throws Exception {
        pageA.addPerson("Ada Lovelace");
        pageA.await(SHORT, page -> page.people().contains("Ada Lovelace"));

        pageA.addTodo("Write the release notes");
        pageB.awaitRow("Write the release notes", row -> !row.completed(), SHORT);
        pageA.addTodo("Review the pull request");
        pageA.addTodo("Update the runbook");
        pageA.addTodo("Throwaway task");
        pageB.awaitRow("Throwaway task", row -> true, SHORT);

        pageA.toggle("Write the release notes");
        long clicked = System.nanoTime();
        pageB.awaitRow("Write the release notes", BoardPage.Row::completed, SYNC);
        long millis = Duration.ofNanos(System.nanoTime() - clicked).toMillis();
        System.out.printf("BoardIT: a completion in window A showed in window B after %d ms%n", millis);

        pageB.toggle("Write the release notes");
        pageA.awaitRow("Write the release notes", row -> !row.completed(), SHORT);
        pageB.toggle("Update the runbook");
        pageA.awaitRow("Update the runbook", BoardPage.Row::completed, SHORT);

        pageA.assign("Review the pull request", "Ada Lovelace");
        // Window B has never loaded Ada: the assignment event makes it refetch the people too.
        BoardPage.Row assigned = pageB.awaitRow("Review the pull request", row -> "Ada Lovelace".equals(row.assignee()),
                SHORT);
        assertEquals(pageA.row("Review the pull request").orElseThrow().assigneeId(), assigned.assigneeId());

        pageB.delete("Throwaway task");
        pageA.awaitNoRow("Throwaway task", SHORT);
        // The stats table is recalculated by a background job (stats.updated follows): the numbers the API settles
        // on are the truth of the three remaining rows, and both windows must end up showing them.
        Map<String, String> stats = Map.of("total", "3", "open", "2", "completed", "1");
        pageA.await(SHORT, page -> stats.equals(page.stats()));
        pageB.await(SHORT, page -> stats.equals(page.stats()));
        assertEquals(stats, stats(appA));

        assertEquals(titles(pageA), titles(pageB));
        assertTrue(pageA.stayedLoadedWithoutSpinner(), "window A reloaded or showed its loading note");
        assertTrue(pageB.stayedLoadedWithoutSpinner(), "window B reloaded or showed its loading note");
        pageA.focus();
        browser.screenshot("board");
        pageB.focus();
        browser.screenshot("board-window-b");
    }

    @Test
    @Order(4)
    void shouldReconnectByItselfAndShowWhatChangedWhileItsInstanceWasDown() throws Exception {
        long before = createTodo(appA, "Planned before the restart");
        pageB.awaitRow("Planned before the restart", row -> true, SHORT);

        Duration stopped = appB.stop();
        pageB.awaitConnection("reconnecting", SHORT);
        System.out.printf("BoardIT: instance B stopped in %d ms; its window shows 'reconnecting'%n",
                stopped.toMillis());

        post(appA, "/api/todos/" + before + "/complete", null);
        createTodo(appA, "Made while B was down");
        pageB.focus();
        browser.screenshot("board-reconnecting");
        assertTrue(pageB.row("Planned before the restart").isPresent(), "data stays on screen while reconnecting");

        long restarting = System.nanoTime();
        appB = appB.restart();
        long ready = System.nanoTime();
        pageB.awaitConnection("live", Duration.ofSeconds(30));
        pageB.awaitRow("Made while B was down", row -> !row.completed(), SHORT);
        pageB.awaitRow("Planned before the restart", BoardPage.Row::completed, SHORT);
        System.out.printf("BoardIT: instance B was ready again after %d ms; its window was live and up to date %d ms"
                + " later%n", Duration.ofNanos(ready - restarting).toMillis(),
                Duration.ofNanos(System.nanoTime() - ready).toMillis());

        assertEquals(titles(pageA), titles(pageB));
        Map<String, String> stats = stats(appA);
        pageB.await(SHORT, page -> stats.equals(page.stats()));
        assertTrue(pageB.stayedLoadedWithoutSpinner(), "window B reloaded or showed its loading note");
    }

    @Test
    @Order(2)
    void shouldKeepWorkingAfterAnEventOfUnknownTypeOnItsChannel() {
        browser.uncaughtErrors(); // clears the console so far
        String channel = AppProcess.namespace(NAME) + "_invalidate:global";
        publish(channel, "{\"id\":\"1-1\",\"type\":\"todo.archived\",\"todoId\":1}");
        publish(channel, "{\"id\":\"1-2\",\"type\":\"constructor\"}");
        // The server validates what it reads from Redis and drops both (the browser-side check of the same is
        // InvalidationClientTest): wait until each instance has seen and dropped them.
        await().atMost(SHORT).until(() -> appA.log().contains("dropped a message on " + channel)
                && appB.log().contains("dropped a message on " + channel));

        pageA.addTodo("Still in sync after the unknown event");
        pageB.awaitRow("Still in sync after the unknown event", row -> true, SHORT);

        assertEquals("live", pageA.connection());
        assertEquals("live", pageB.connection());
        assertTrue(pageA.stayedLoadedWithoutSpinner());
        assertTrue(pageB.stayedLoadedWithoutSpinner());
        pageA.focus();
        List<String> errorsA = browser.uncaughtErrors();
        pageB.focus();
        List<String> errorsB = browser.uncaughtErrors();
        assertTrue(errorsA.isEmpty() && errorsB.isEmpty(), "uncaught errors: " + errorsA + errorsB);
    }

    @Test
    @Order(3)
    void shouldServeTheClientModuleAtAStableUrlWithoutLongCaching() throws Exception {
        HttpResponse<String> module = HTTP.send(HttpRequest.newBuilder(URI.create(appA.url()
                + "/client/invalidation.js")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, module.statusCode());
        assertTrue(module.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertEquals("no-cache", module.headers().firstValue("Cache-Control").orElse(null));
        assertTrue(module.body().contains("export function createInvalidationClient"));
    }

    private static List<String> titles(BoardPage page) {
        return page.rows().stream().map(row -> row.title() + ":" + row.status()).toList();
    }

    private static long createTodo(AppProcess app, String title) throws IOException, InterruptedException {
        return post(app, "/api/todos", JSON.createObjectNode().put("title", title).toString()).get("id").asLong();
    }

    /** The stats as the API gives them, in the page's terms. */
    private static Map<String, String> stats(AppProcess app) throws IOException, InterruptedException {
        JsonNode stats = get(app, "/api/stats");
        return Map.of("total", stats.get("total").asText(), "open", stats.get("open").asText(),
                "completed", stats.get("completed").asText());
    }

    private static JsonNode get(AppProcess app, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(app.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path);
        return JSON.readTree(response.body());
    }

    private static JsonNode post(AppProcess app, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url() + path));
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() / 100 == 2, path + " answered " + response.statusCode());
        return JSON.readTree(response.body());
    }

    /** PUBLISH over a plain socket in RESP, so the test needs no Redis client of its own. */
    private static void publish(String channel, String message) {
        try (Socket socket = new Socket("127.0.0.1", 6379)) {
            StringBuilder command = new StringBuilder("*3\r\n");
            for (String part : new String[] { "PUBLISH", channel, message }) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                command.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(command.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = new String(socket.getInputStream().readNBytes(2), StandardCharsets.US_ASCII);
            assertEquals(":", reply.substring(0, 1), "PUBLISH should answer with the receiver count");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh schema per run: Flyway recreates it when the first instance starts. */
    private static void dropSchema(String schema) {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres",
                System.getenv().getOrDefault("PGPASSWORD", ""));
                Statement statement = db.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset schema " + schema, e);
        }
    }
}
