package io.invalidator.web;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the bad-input table: a request and the answer it must get. {@code {todo}}, {@code {user}} and
 * {@code {missing}} in the path or body stand for an existing todo, an existing user and an id nobody has.
 */
record BadRequest(String method, String path, Map<String, String> headers, String contentType, byte[] body,
        int status, String field) {

    static BadRequest call(String method, String path) {
        return new BadRequest(method, path, Map.of(), null, null, 0, null);
    }

    BadRequest json(String json) {
        return body("application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    BadRequest body(String type, byte[] bytes) {
        return new BadRequest(method, path, headers, type, bytes, status, field);
    }

    BadRequest header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new BadRequest(method, path, more, contentType, body, status, field);
    }

    /** The expected status, with a problem listing no particular field. */
    BadRequest expect(int status) {
        return expect(status, null);
    }

    /** The expected status, with a problem whose {@code errors} name this field. */
    BadRequest expect(int status, String field) {
        return new BadRequest(method, path, headers, contentType, body, status, field);
    }

    String resolvedPath(long todo, long user, long missing) {
        return resolve(path, todo, user, missing);
    }

    byte[] resolvedBody(long todo, long user, long missing) {
        String text = body == null ? null : new String(body, StandardCharsets.UTF_8);
        if (text == null || !Arrays.equals(text.getBytes(StandardCharsets.UTF_8), body)) {
            return body; // not text (deliberately invalid bytes): sent as is
        }
        return resolve(text, todo, user, missing).getBytes(StandardCharsets.UTF_8);
    }

    private static String resolve(String text, long todo, long user, long missing) {
        return text.replace("{todo}", String.valueOf(todo)).replace("{user}", String.valueOf(user))
                .replace("{missing}", String.valueOf(missing));
    }

    @Override
    public String toString() {
        String shown = body == null ? "" : " " + new String(body, StandardCharsets.UTF_8);
        if (shown.length() > 50) {
            shown = shown.substring(0, 47) + "…(" + body.length + " bytes)";
        }
        return method + " " + path + (headers.isEmpty() ? "" : " " + headers)
                + (contentType == null || contentType.equals("application/json") ? "" : " [" + contentType + "]")
                + shown.replaceAll("\\p{Cntrl}", "?") + " → " + status + (field == null ? "" : " " + field);
    }
}
