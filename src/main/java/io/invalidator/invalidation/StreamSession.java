package io.invalidator.invalidation;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open SSE stream: its channels, its emitter, its connection, and the ids it has just seen (for exactly-once
 * delivery).
 * <p>
 * Events that arrive before the stream has started (its subscriptions are being confirmed, or its history is being
 * replayed) are held, so the first frame is always first and a replay never overtakes or repeats live events.
 * <p>
 * Frames not yet written to the connection are counted: a client that stops reading overflows its bound and its
 * connection is closed (it will reconnect and resume or resync). Failing the emitter would not do: Mutiny signals the
 * failure only after the buffered frames were consumed, which a stalled client never does.
 */
final class StreamSession implements InvalidationListener {

    // Copies of an event on several channels arrive back to back (the publish script is atomic), so a few ids suffice.
    private static final int RECENT_IDS = 8;

    final Set<String> channels;
    private final Sse sse;
    private final InvalidationStreams streams;
    private final HttpServerResponse connection;
    private final int maxBuffered;
    private final AtomicInteger buffered = new AtomicInteger();
    private final String[] recentIds = new String[RECENT_IDS];
    private int nextRecent;
    private volatile MultiEmitter<? super OutboundSseEvent> emitter;
    private volatile Runnable release = () -> {
    };
    private volatile boolean started;
    private volatile boolean closed;
    private boolean resyncWhileStarting;
    private List<InvalidationMessage> held = new ArrayList<>();

    StreamSession(Set<String> channels, Sse sse, InvalidationStreams streams, HttpServerResponse connection,
            int maxBuffered) {
        this.channels = channels;
        this.sse = sse;
        this.streams = streams;
        this.connection = connection;
        this.maxBuffered = maxBuffered;
    }

    /** Binds the stream's emitter and what releases its resources (idempotent). */
    void attach(MultiEmitter<? super OutboundSseEvent> emitter, Runnable release) {
        this.emitter = emitter;
        this.release = release;
    }

    /** A frame left the buffer for the connection. */
    void consumed() {
        buffered.decrementAndGet();
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
    public synchronized void onMessage(InvalidationMessage message) {
        if (started) {
            deliver(message);
        } else if (held.size() < maxBuffered) {
            held.add(message);
        } else {
            overflow();
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
     * after it has subscribed, and skips writes to a closed response without failing them.
     */
    void heartbeat(OutboundSseEvent beat) {
        if (connection.closed()) {
            end();
        } else if (started) {
            send(beat);
        }
    }

    /** Ends the stream with a last frame (shutdown). */
    void complete(OutboundSseEvent last) {
        send(last);
        emitter.complete();
    }

    @Override
    public String toString() {
        return "stream " + channels + (started ? " started" : " starting") + (closed ? " closed" : "")
                + (connection.closed() ? ", connection closed" : "") + ", " + buffered.get() + " buffered";
    }

    private void send(OutboundSseEvent frame) {
        if (closed || emitter.isCancelled()) {
            return;
        }
        if (buffered.incrementAndGet() > maxBuffered) {
            overflow();
            return;
        }
        emitter.emit(frame);
    }

    private void overflow() {
        Log.debugf("closing a stream that fell %d frames behind", maxBuffered);
        streams.overflowed();
        connection.close();
        end();
    }

    private void end() {
        closed = true;
        emitter.complete();
        release.run();
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
