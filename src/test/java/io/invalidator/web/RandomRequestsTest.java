package io.invalidator.web;

import io.invalidator.testing.Tables;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.invalidator.testing.TestApi.createTodo;
import static io.invalidator.testing.TestApi.createUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzz-style: a few hundred random, mostly malformed requests (seeded, so a failure can be replayed with
 * {@code -Dfuzz.seed=…}). Whatever comes in, the answer is a 2xx, or a 4xx problem+json that changed nothing;
 * never a 5xx.
 */
@QuarkusTest
class RandomRequestsTest {

    private static final int REQUESTS = 400;
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final List<String> PATHS = List.of("/api/todos", "/api/todos/{id}", "/api/todos/{id}/complete",
            "/api/todos/{id}/assignee", "/api/users", "/api/users/{id}", "/api/stats");
    private static final List<String> BODIES = List.of("{\"title\":\"Buy milk\"}",
            "{\"title\":\"Buy milk\",\"assigneeId\":1}", "{\"title\":\"New\",\"status\":\"COMPLETED\"}",
            "{\"status\":\"OPEN\"}", "{\"userId\":1}", "{\"name\":\"Ann\"}");
    private static final String NASTY =
            "\"{}[],:\\ \u0000\u0007\n\t\u00e9\u2003\u200b\ud83d\ude00\ud800\ufffe-+.eE0123456789";

    @Inject
    Tables tables;

    @TestHTTPResource("/")
    URL root;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldNeverAnswer5xxAndRejectOnlyWithProblemsThatChangeNothing() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20261203L);
        Random random = new Random(seed);
        tables.clear();
        long[] ids = { createUser("Ann"), createTodo("Existing") };
        Map<Integer, Integer> statuses = new TreeMap<>();

        for (int i = 0; i < REQUESTS; i++) {
            String method = pick(random, METHODS);
            String path = pick(random, PATHS).replace("{id}", idSegment(random, ids)) + query(random);
            String contentType = random.nextInt(10) < 8 ? "application/json" : pick(random, List.of("text/plain",
                    "application/json; charset=UTF-8", "application/xml", "application/x-www-form-urlencoded"));
            byte[] body = random.nextInt(8) == 0 ? randomBytes(random) : mutate(random, pick(random, BODIES))
                    .getBytes(StandardCharsets.UTF_8);
            String replay = "seed " + seed + ", request " + i + ": " + method + " " + path + " " + printable(body);

            List<String> before = tables.snapshot();
            HttpResponse<String> response = send(method, path, contentType, body);
            int status = response.statusCode();
            statuses.merge(status, 1, Integer::sum);

            if (status >= 500) {
                fail(status + " for " + replay + ": " + response.body());
            }
            if (status >= 400) {
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith(Problem.MEDIA_TYPE),
                        "problem+json for " + replay);
                assertEquals(status, JsonPath.from(response.body()).getInt("status"), replay);
                assertEquals(before, tables.snapshot(), "a rejected request changed something: " + replay);
            }
        }
        // not vacuous: both accepted and rejected requests were made
        assertTrue(statuses.keySet().stream().anyMatch(s -> s < 300), "some accepted: " + statuses);
        assertTrue(statuses.keySet().stream().anyMatch(s -> s >= 400), "some rejected: " + statuses);
    }

    private HttpResponse<String> send(String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(root.toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** An existing id most of the time, or something that is not one. */
    private static String idSegment(Random random, long[] ids) {
        return switch (random.nextInt(8)) {
            case 0, 1, 2 -> String.valueOf(ids[random.nextInt(ids.length)]);
            case 3 -> String.valueOf(random.nextLong());
            case 4 -> pick(random, List.of("0", "-1", "1.5", "1e3", "99999999999999999999", "0x10", "+1", "%201"));
            default -> encode(randomText(random, 1 + random.nextInt(6)));
        };
    }

    private static String query(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "?status=" + encode(pick(random, List.of("OPEN", "COMPLETED", "open", "", "FOO"))
                    + (random.nextBoolean() ? "" : randomText(random, 2)));
            case 1 -> "?assigneeId=" + encode(random.nextBoolean() ? String.valueOf(random.nextInt(5) - 1)
                    : randomText(random, 3));
            case 2 -> "?status=OPEN&assigneeId=" + random.nextInt(3) + "&" + encode(randomText(random, 2)) + "=x";
            default -> "";
        };
    }

    /** A valid body with a few random edits: characters deleted, inserted or replaced, values swapped. */
    private static String mutate(Random random, String json) {
        StringBuilder text = new StringBuilder(json);
        int edits = random.nextInt(4);
        for (int e = 0; e < edits && !text.isEmpty(); e++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(4)) {
                case 0 -> text.deleteCharAt(at);
                case 1 -> text.insert(at, randomText(random, 1 + random.nextInt(3)));
                case 2 -> text.setCharAt(at, NASTY.charAt(random.nextInt(NASTY.length())));
                default -> {
                    String value = pick(random, List.of("null", "true", "-1", "0", "1.5", "1e400", "[]", "{}",
                            "99999999999999999999", "\"\"", "\"OPEN\"", "\"" + "x".repeat(201) + "\"",
                            "\"\\u0000\"", "\"\\ud800\"", "[[[[[[[[[[]]]]]]]]]]"));
                    int colon = text.indexOf(":");
                    int end = Math.max(text.indexOf(","), text.indexOf("}"));
                    if (colon > 0 && end > colon) {
                        text.replace(colon + 1, end, value);
                    }
                }
            }
        }
        return text.toString();
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(NASTY.charAt(random.nextInt(NASTY.length())));
        }
        return text.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static <T> T pick(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static String printable(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return (text.length() > 120 ? text.substring(0, 120) + "…" : text).replaceAll("\\p{Cntrl}", "?");
    }
}
