package io.invalidator.invalidation;

import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.util.Set;

/** One open SSE stream: its channels, its emitter, and the ids it has just seen (for exactly-once delivery). */
final class StreamSession implements InvalidationListener {

    // Copies of an event on several channels arrive back to back (the publish script is atomic), so a few ids suffice.
    private static final int RECENT_IDS = 8;

    final Set<String> channels;
    private final MultiEmitter<? super OutboundSseEvent> emitter;
    private final Sse sse;
    private final InvalidationStreams streams;
    private final String[] recentIds = new String[RECENT_IDS];
    private int nextRecent;

    StreamSession(Set<String> channels, MultiEmitter<? super OutboundSseEvent> emitter, Sse sse,
            InvalidationStreams streams) {
        this.channels = channels;
        this.emitter = emitter;
        this.sse = sse;
        this.streams = streams;
    }

    @Override
    public void onMessage(InvalidationMessage message) {
        if (seen(message.id())) {
            return;
        }
        send(message.frame(sse, true));
        streams.delivered();
    }

    @Override
    public void onResync() {
        send(streams.resyncFrame(sse));
    }

    void send(OutboundSseEvent frame) {
        if (!emitter.isCancelled()) {
            emitter.emit(frame);
        }
    }

    void complete(OutboundSseEvent last) {
        send(last);
        emitter.complete();
    }

    private boolean seen(String id) {
        for (String recent : recentIds) {
            if (id.equals(recent)) {
                return true;
            }
        }
        recentIds[nextRecent] = id;
        nextRecent = (nextRecent + 1) % RECENT_IDS;
        return false;
    }
}
