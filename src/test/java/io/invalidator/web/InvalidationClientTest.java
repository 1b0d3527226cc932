package io.invalidator.web;

import com.sun.net.httpserver.HttpServer;
import io.invalidator.testing.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The client module ({@code web/public/client/invalidation.js}) in a real browser, fed through a fake EventSource:
 * every frame can be sent, including ones the server never would. Plain JUnit, no Quarkus boot: the module has no
 * server-side part, so a JDK HTTP server serving it and a test page is enough (BoardIT covers the real service).
 */
class InvalidationClientTest {

    private static final String PAGE = """
            <!DOCTYPE html><html><head><title>client test</title>
            <script type="module">import * as h from '/harness.js'; window.h = h;</script></head><body></body></html>
            """;

    private static HttpServer server;
    private static Browser browser;
    private JavascriptExecutor js;

    @BeforeAll
    static void start() throws IOException {
        Browser.assumeInstalled();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve("/", "text/html", PAGE.getBytes(StandardCharsets.UTF_8));
        serve("/client/invalidation.js", "text/javascript", resource("web/public/client/invalidation.js"));
        serve("/harness.js", "text/javascript", resource("client-test/harness.js"));
        server.start();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @BeforeEach
    void openPage() {
        var driver = browser.driver();
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        driver.get("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        js = driver;
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> js.executeScript("return !!window.h"));
    }

    @AfterEach
    void noPageErrors() {
        assertEquals(List.of(), js.executeScript("return window.h.pageErrors"), "uncaught errors on the page");
    }

    @Test
    void shouldInvalidateTheMappedQueriesForEachEventType() {
        Map<?, ?> invalidated = (Map<?, ?>) run("""
                const { client, current, take } = h.setup();
                current().emit({ id: 'local-1', type: 'resync' });
                take();
                const out = {};
                for (const event of [
                    { type: 'todo.created', todoId: 1 }, { type: 'todo.updated', todoId: 2 },
                    { type: 'todo.completed', todoId: 3 }, { type: 'todo.deleted', todoId: 4 },
                    { type: 'user.assigned', userId: 5, todoId: 6 }, { type: 'stats.updated' }, { type: 'resync' }]) {
                  current().emit({ id: '1-0', ...event });
                  out[event.type] = take();
                }
                client.close();
                return out;
                """);

        assertEquals(List.of("[\"todos\",\"list\"]", "[\"stats\"]"), invalidated.get("todo.created"));
        assertEquals(List.of("[\"todos\",\"detail\",2]", "[\"todos\",\"list\"]", "[\"stats\"]"),
                invalidated.get("todo.updated"));
        assertEquals(List.of("[\"todos\",\"list\"]", "[\"todos\",\"detail\",3]", "[\"stats\"]"),
                invalidated.get("todo.completed"));
        assertEquals(List.of("[\"todos\",\"list\"]", "[\"stats\"]"), invalidated.get("todo.deleted"));
        assertEquals(List.of("[\"users\",\"detail\",5]", "[\"todos\",\"detail\",6]", "[\"todos\",\"list\"]"),
                invalidated.get("user.assigned"));
        assertEquals(List.of("[\"stats\"]"), invalidated.get("stats.updated"));
        assertEquals(List.of("[\"todos\"]", "[\"users\"]", "[\"stats\"]"), invalidated.get("resync"));
    }

    @Test
    void shouldInvalidateWatchedQueriesOnEveryConnectOnceLive() {
        Map<?, ?> steps = (Map<?, ?>) run("""
                const { client, sources, current, openSources, take } = h.setup({ minReconnectDelay: 20 });
                const out = {};
                out.beforeFirstFrame = [client.state, take()];
                current().emit({ id: 'local-1', type: 'resync' });
                out.live = [client.state, take()];
                current().fail(0);                                   // dropped; the browser retries by itself
                out.dropped = [client.state, take()];
                current().emit({ id: 'local-2', type: 'resync' });   // back: first frame of the new connection
                out.back = [client.state, take()];
                current().fail(2);                                   // refused (e.g. 503): the browser gave up
                out.refused = [client.state, take()];
                await h.until(() => sources.length === 2);
                out.reopened = [client.state, sources[0].closed, openSources()];
                current().emit({ id: '7-0', type: 'todo.deleted', todoId: 9 });  // first frame of any type means live
                out.liveAgain = [client.state, take()];
                client.close();
                out.closed = [client.state, openSources()];
                return out;
                """);

        List<String> watched = List.of("[\"todos\"]", "[\"users\"]", "[\"stats\"]");
        assertEquals(List.of("connecting", List.of()), steps.get("beforeFirstFrame"));
        assertEquals(List.of("live", watched), steps.get("live"));
        assertEquals(List.of("reconnecting", List.of()), steps.get("dropped"));
        assertEquals(List.of("live", watched), steps.get("back"));
        assertEquals(List.of("reconnecting", List.of()), steps.get("refused"));
        assertEquals(List.of("reconnecting", true, 1L), steps.get("reopened"), "one stream at a time");
        assertEquals(List.of("live", List.of("[\"todos\"]", "[\"users\"]", "[\"stats\"]", "[\"todos\",\"list\"]",
                "[\"stats\"]")), steps.get("liveAgain"));
        assertEquals(List.of("closed", 0L), steps.get("closed"));
    }

    @Test
    void shouldIgnoreUnknownAndMalformedEventsAndKeepWorking() {
        Map<?, ?> result = (Map<?, ?>) run("""
                const unknown = [];
                const eventMap = { ...h.defaultEventMap,
                    'todo.exploding': () => { throw new Error('boom'); },
                    'todo.odd': () => 'not a list of keys' };
                const { client, current, take } = h.setup({ eventMap, onUnknownEvent: (e) => unknown.push(e.type) });
                current().emit({ id: 'local-1', type: 'resync' });
                take();
                for (const frame of [
                    { id: '1-0', type: 'todo.archived', todoId: 1 }, { id: '1-1', type: 'constructor' },
                    { id: '1-2', type: '__proto__' }, { id: '1-3', type: 'toString' }, { id: '1-4', type: 42 },
                    { id: '1-5' }, { id: '1-6', type: 'todo.exploding' }, { id: '1-7', type: 'todo.odd' },
                    'not json', '[1,2]', 'null', '']) {
                  current().emit(frame);
                }
                const ignored = take();
                current().emit({ id: '2-0', type: 'todo.completed', todoId: 7 });
                const result = { unknown: [...unknown], ignored, state: client.state, after: take(),
                    direct: client.handle({ type: 'todo.archived' }) };
                client.close();
                return result;
                """);

        assertEquals(List.of("todo.archived", "constructor", "__proto__", "toString"), result.get("unknown"));
        assertEquals(List.of(), result.get("ignored"));
        assertEquals("live", result.get("state"));
        assertEquals(List.of("[\"todos\",\"list\"]", "[\"todos\",\"detail\",7]", "[\"stats\"]"), result.get("after"));
        assertEquals(List.of(), result.get("direct"));
    }

    @Test
    void shouldLetTheAppExtendOrReplaceTheMapping() {
        Map<?, ?> result = (Map<?, ?>) run("""
                const extended = h.setup({ eventMap: { ...h.defaultEventMap,
                    'todo.archived': (e) => [['archive'], h.queryKeys.todo(e.todoId)] } });
                extended.current().emit({ id: 'local-1', type: 'resync' });
                extended.take();
                extended.current().emit({ id: '1-0', type: 'todo.archived', todoId: 3 });
                extended.current().emit({ id: '1-1', type: 'stats.updated' });
                const replaced = h.setup({ eventMap: { 'todo.completed': [['done']] }, watched: [['mine']] });
                replaced.current().emit({ id: 'local-2', type: 'resync' });
                const onConnect = replaced.take();
                replaced.current().emit({ id: '2-0', type: 'todo.completed', todoId: 3 });
                replaced.current().emit({ id: '2-1', type: 'todo.created', todoId: 4 });
                const result = { extended: extended.take(), onConnect, replaced: replaced.take() };
                extended.client.close();
                replaced.client.close();
                return result;
                """);

        assertEquals(List.of("[\"archive\"]", "[\"todos\",\"detail\",3]", "[\"stats\"]"), result.get("extended"));
        assertEquals(List.of("[\"mine\"]"), result.get("onConnect"));
        assertEquals(List.of("[\"done\"]"), result.get("replaced"));
    }

    @Test
    void shouldServeAllSubscriptionsOfThePageOverOneStream() {
        Map<?, ?> urls = (Map<?, ?>) run("""
                const { client, current, openSources } = h.setup({ url: '/api/invalidations' });
                const settle = () => new Promise((resolve) => queueMicrotask(resolve));
                const out = { initial: [current().url, openSources()] };
                const todo5 = client.subscribe({ todoId: 5 });
                const user7 = client.subscribe({ userId: 7 });
                await settle();
                out.todoAndUser = [current().url, openSources()];
                const todo6 = client.subscribe({ todoId: 6 });
                await settle();
                out.twoTodos = [current().url, openSources()];
                todo5();
                todo6();
                user7();
                await settle();
                out.none = [current().url, openSources(), client.url];
                client.close();
                return out;
                """);

        assertEquals(List.of("/api/invalidations", 1L), urls.get("initial"));
        assertEquals(List.of("/api/invalidations?todoId=5&userId=7", 1L), urls.get("todoAndUser"),
                "two subscriptions added together reopen the stream once");
        assertEquals(List.of("/api/invalidations?userId=7", 1L), urls.get("twoTodos"),
                "with two todos the stream relies on the global channel");
        assertEquals(List.of("/api/invalidations", 1L, "/api/invalidations"), urls.get("none"));
    }

    /** Runs an async function body with the harness as {@code h}; returns its result or fails with its error. */
    private Object run(String body) {
        Object result = js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                (async (h) => {
                """ + body + """
                })(window.h).then(done, (e) => done({ error: String((e && e.stack) || e) }));
                """);
        if (result instanceof Map<?, ?> map && map.containsKey("error")) {
            fail("script failed: " + map.get("error"));
        }
        return result;
    }

    private static void serve(String path, String contentType, byte[] body) {
        server.createContext(path, exchange -> {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static byte[] resource(String name) {
        try (InputStream in = InvalidationClientTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
