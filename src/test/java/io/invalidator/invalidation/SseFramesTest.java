package io.invalidator.invalidation;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The SSE wire format of the frames every stream shares: pure encoding, no Quarkus boot needed. */
class SseFramesTest {

    @Test
    void shouldEncodeAnEventWithItsIdForResuming() {
        assertEquals("id:1700000000000-0\ndata:{\"type\":\"todo.completed\",\"todoId\":42}\n\n",
                text(SseFrames.event("1700000000000-0", "{\"type\":\"todo.completed\",\"todoId\":42}")));
    }

    @Test
    void shouldEncodeAControlEventWithoutIdAndWithTheReconnectDelay() {
        assertEquals("retry:2000\ndata:{\"type\":\"resync\"}\n\n", text(SseFrames.data("{\"type\":\"resync\"}", 2000)));
        assertEquals("data:{}\n\n", text(SseFrames.data("{}", -1)));
    }

    @Test
    void shouldEncodeComments() {
        assertEquals(":heartbeat\n\n", text(SseFrames.HEARTBEAT));
        assertEquals(":shutting down\nretry:3500\n\n", text(SseFrames.comment("shutting down", 3500)));
    }

    @Test
    void shouldSplitMultiLineDataAndCutLineBreaksOutOfSingleLineFields() {
        assertEquals("data:a\ndata:b\ndata:c\ndata:d\n\n", text(SseFrames.data("a\nb\r\nc\rd", -1)));
        assertEquals("id:1-0\ndata:x\n\n", text(SseFrames.event("1-0\nevent:forged", "x")));
    }

    @Test
    void shouldGiveEveryWriterTheSameBytes() {
        Buffer frame = SseFrames.event("1-0", "{}");
        assertEquals(text(frame), frame.getByteBuf().toString(StandardCharsets.UTF_8));
        assertEquals(text(frame), frame.getByteBuf().toString(StandardCharsets.UTF_8),
                "a second write sees the whole frame too");
    }

    private static String text(Buffer frame) {
        return frame.toString();
    }
}
