package io.invalidator.invalidation;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * An event as it travels: its id, the event, and its canonical JSON. Decoded once per instance and shared by every
 * local stream, which is also why the SSE frame is built once here rather than once per client.
 */
public final class InvalidationMessage {

    private final String id;
    private final InvalidationEvent event;
    private final String json;
    private volatile OutboundSseEvent frame;

    InvalidationMessage(String id, InvalidationEvent event, String json) {
        this.id = id;
        this.event = event;
        this.json = json;
    }

    public String id() {
        return id;
    }

    public InvalidationEvent event() {
        return event;
    }

    public String json() {
        return json;
    }

    /** The SSE frame; {@code withId} is false for local control events, which must not move a client's Last-Event-ID. */
    OutboundSseEvent frame(Sse sse, boolean withId) {
        OutboundSseEvent f = frame;
        if (f == null) {
            var builder = sse.newEventBuilder().data(json);
            if (withId) {
                builder.id(id);
            }
            f = builder.build();
            frame = f;
        }
        return f;
    }
}
