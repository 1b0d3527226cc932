package io.invalidator.invalidation;

import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One open SSE stream: its channels, its emitter, and the ids it has just seen (for exactly-once delivery).
 * <p>
 * Events that arrive before the stream has started (its subscriptions are being confirmed, or its history is being
 * replayed) are held, so the first frame is always first and a replay never overtakes or repeats live events.
 */
final class StreamSession implements InvalidationListener {

    // Copies of an event on several channels arrive back to back (the publish script is atomic), so a few ids suffice.
    private static final int RECENT_IDS = 8;

    final Set<String> channels;
    private final MultiEmitter<? super OutboundSseEvent> emitter;
    private final Sse sse;
    private final InvalidationStreams streams;
    private final int maxHeld;
    private final BooleanSupplier connectionClosed;
    private final String[] recentIds = new String[RECENT_IDS];
    private int nextRecent;
    private volatile boolean started;
    private boolean resyncWhileStarting;
    private List<InvalidationMessage> held = new ArrayList<>();

    StreamSession(Set<String> channels, MultiEmitter<? super OutboundSseEvent> emitter, Sse sse,
            InvalidationStreams streams, int maxHeld, BooleanSupplier connectionClosed) {
        this.channels = channels;
        this.emitter = emitter;
        this.sse = sse;
        this.streams = streams;
        this.maxHeld = maxHeld;
        this.connectionClosed = connectionClosed;
    }

    /** Sends the first frame and the replayed history, then whatever arrived meanwhile (minus repeats). */
    synchronized void start(OutboundSseEvent first, List<InvalidationMessage> replay) {
        send(first);
        String lastReplayed = null;
        for (InvalidationMessage message : replay) {
            deliver(message);
            lastReplayed = message.id();
        }
        for (InvalidationMessage message : held) {
            if (lastReplayed == null || !EventHistory.isResumable(message.id())
                    || EventHistory.compare(message.id(), lastReplayed) > 0) {
                deliver(message);
            }
        }
        held = null;
        started = true;
        if (resyncWhileStarting) {
            onResync();
        }
    }

    @Override
    public String toString() {
        return "stream " + channels + (started ? " started" : " starting") + (emitter.isCancelled() ? " cancelled" : "")
                + (connectionClosed.getAsBoolean() ? " connection closed" : "");
    }

    @Override
    public synchronized void onMessage(InvalidationMessage message) {
        if (started) {
            deliver(message);
        } else if (held.size() < maxHeld) {
            held.add(message);
        } else {
            emitter.fail(new BackPressureFailure("stream fell behind while starting"));
        }
    }

    @Override
    public synchronized void onResync() {
        if (started) {
            send(streams.resyncFrame(sse));
        } else {
            resyncWhileStarting = true;
        }
    }

    /**
     * Keep-alive comment; not before the first frame, whose arrival tells the client the stream is live. Also ends a
     * stream whose client is gone but whose stream was never told: Quarkus REST only notices a close that happens
     * after it has subscribed, skips writes to a closed response without failing them, and a write cut mid-way may
     * never complete — so the stream's resources are released here directly, not through the stream's termination.
     */
    void heartbeat(OutboundSseEvent beat, Runnable release) {
        if (connectionClosed.getAsBoolean()) {
            emitter.complete();
            release.run();
        } else if (started) {
            send(beat);
        }
    }

    private void send(OutboundSseEvent frame) {
        if (!emitter.isCancelled()) {
            emitter.emit(frame);
        }
    }

    void complete(OutboundSseEvent last) {
        send(last);
        emitter.complete();
    }

    private void deliver(InvalidationMessage message) {
        if (seen(message.id())) {
            return;
        }
        send(message.frame(sse, true));
        streams.delivered();
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
