package io.invalidator.invalidation;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events frames, encoded to bytes once and written as they are to every stream that gets them. Vert.x
 * hands each connection a slice of the same bytes, so one more stream costs one write, not one more copy.
 */
final class SseFrames {

    /** Keep-alive for proxies and dead-peer detection; EventSource ignores comments. */
    static final Buffer HEARTBEAT = comment("heartbeat", -1);

    private SseFrames() {
    }

    /** {@code id:<id>\ndata:<data>\n\n}: an event the client may resume after. */
    static Buffer event(String id, String data) {
        StringBuilder frame = new StringBuilder(data.length() + id.length() + 12);
        field(frame, "id", id);
        data(frame, data);
        return encode(frame);
    }

    /**
     * {@code retry:<ms>\ndata:<data>\n\n}: a control event without an id, so it leaves the client's Last-Event-ID
     * where it was. No {@code retry:} line when {@code retryMillis} is negative.
     */
    static Buffer data(String data, long retryMillis) {
        StringBuilder frame = new StringBuilder(data.length() + 24);
        retry(frame, retryMillis);
        data(frame, data);
        return encode(frame);
    }

    /** {@code :<text>\nretry:<ms>\n\n}: a comment, with a reconnection delay unless {@code retryMillis} is negative. */
    static Buffer comment(String text, long retryMillis) {
        StringBuilder frame = new StringBuilder(text.length() + 24);
        field(frame, "", text);
        retry(frame, retryMillis);
        return encode(frame.append('\n'));
    }

    private static void retry(StringBuilder frame, long retryMillis) {
        if (retryMillis >= 0) {
            field(frame, "retry", Long.toString(retryMillis));
        }
    }

    /** Every line of the value becomes its own {@code data:} line, as the SSE format requires. */
    private static void data(StringBuilder frame, String data) {
        for (String line : data.split("\r\n|\r|\n", -1)) {
            field(frame, "data", line);
        }
        frame.append('\n');
    }

    /** A single-line field: anything after a line break would start a field of its own, so it is cut. */
    private static void field(StringBuilder frame, String name, String value) {
        int end = value.length();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r') {
                end = i;
                break;
            }
        }
        frame.append(name).append(':').append(value, 0, end).append('\n');
    }

    /**
     * Off-heap, so the socket write needs no copy into a direct buffer per connection; a JDK direct buffer is freed
     * when the frame is collected, so a frame needs no release.
     */
    private static Buffer encode(StringBuilder frame) {
        byte[] bytes = frame.toString().getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()));
    }
}
