package io.invalidator.invalidation;

import io.vertx.core.buffer.Buffer;

/**
 * An event as it travels: its id, the event, and its canonical JSON. Decoded once per instance and shared by every
 * local stream, which is also why its SSE frame is encoded here, once, rather than once per client.
 */
public final class InvalidationMessage {

    private final String id;
    private final InvalidationEvent event;
    private final String json;
    private final boolean local;
    private final StreamId streamId;
    private volatile Buffer frame;

    InvalidationMessage(String id, InvalidationEvent event, String json, boolean local) {
        this.id = id;
        this.event = event;
        this.json = json;
        this.local = local;
        this.streamId = local ? null : StreamId.parse(id);
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

    /** The id's place in the order of the bus, parsed once; null for ids that are not Redis stream ids. */
    StreamId streamId() {
        return streamId;
    }

    /**
     * The SSE frame. A local control event (never published) goes without {@code id:}, so it cannot move a client's
     * Last-Event-ID to an id no history knows.
     */
    Buffer frame() {
        Buffer f = frame;
        if (f == null) {
            f = local ? SseFrames.data(json, -1) : SseFrames.event(id, json);
            frame = f; // a race builds an equal frame twice: harmless
        }
        return f;
    }
}
