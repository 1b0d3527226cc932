package io.invalidator.invalidation;

import io.invalidator.invalidation.InvalidationEvent.Resync;
import io.netty.channel.EventLoop;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.ContextInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One open SSE stream: its channels, its connection, and the newest event id it has written (for exactly-once
 * delivery).
 * <p>
 * Frames are written as bytes straight to the connection, on the connection's own event loop: every method runs
 * there (or hops there first), so the state below needs no lock and a write never queues for another thread. The
 * stream's {@code Multi} carries only its life (completion, cancellation), not its frames; see
 * {@link InvalidationStreams#open}.
 * <p>
 * Events that arrive before the stream has started (its subscriptions are being confirmed, or its history is being
 * replayed) are held, so the first frame is always first. Event ids order the bus (see {@link StreamId}) and each event
 * loop delivers in that order, so an event whose id is not newer than the last one written is a repeat: the copy sent
 * to another of the stream's channels, or a live copy of an event the replay already sent, however late it comes.
 * <p>
 * A client that stops reading fills its connection's write queue; once {@code stream-buffer} more frames were written
 * to a full queue the connection is closed (the client reconnects and resumes or resyncs), so one stalled client
 * never holds more than its bound.
 */
final class StreamSession implements InvalidationListener {

    final Set<String> channels;
    private final InvalidationStreams streams;
    private final HttpServerResponse connection;
    private final Context context;
    private final EventLoop loop;
    private final int maxBuffered;
    private volatile MultiEmitter<?> emitter;
    private volatile Runnable release = () -> {
    };
    private volatile boolean started;
    private volatile boolean closed;
    // Confined to the event loop:
    private StreamId upTo; // the newest event id written, or resumed after: nothing older or equal goes out
    private String lastOtherId; // ids that are not stream ids (never ours): back-to-back copies only
    private int writesWhileFull;
    private InvalidationMessage resyncWhileStarting;
    private List<InvalidationMessage> held = new ArrayList<>();

    /** Made on the connection's event loop (the resource method runs there). */
    StreamSession(Set<String> channels, InvalidationStreams streams, HttpServerResponse connection, Context request,
            int maxBuffered) {
        this.channels = channels;
        this.streams = streams;
        this.connection = connection;
        // The event loop's context, not the request's duplicate: the subscriber groups listeners by it.
        ContextInternal internal = (ContextInternal) request;
        this.context = internal.unwrap();
        this.loop = internal.nettyEventLoop();
        this.maxBuffered = maxBuffered;
    }

    @Override
    public Context context() {
        return context;
    }

    /** Binds the stream's emitter and what releases its resources (idempotent). */
    void attach(MultiEmitter<?> emitter, Runnable release) {
        this.emitter = emitter;
        this.release = release;
    }

    /**
     * Sends the first frame and the replayed history, then whatever arrived meanwhile (minus repeats).
     *
     * @param resumedAfter the client's Last-Event-ID when it is resumed, else null
     */
    void start(Buffer first, String resumedAfter, List<InvalidationMessage> replay) {
        onLoop(() -> {
            write(first);
            upTo = StreamId.parse(resumedAfter);
            replay.forEach(this::deliver);
            held.forEach(this::deliver);
            held = null;
            started = true;
            if (resyncWhileStarting != null) {
                resync(resyncWhileStarting);
            }
        });
    }

    /** Called on {@link #context()} by the subscriber. */
    @Override
    public void onMessage(InvalidationMessage message) {
        if (closed) {
            return;
        }
        if (started) {
            deliver(message);
        } else if (held.size() < maxBuffered) {
            held.add(message);
        } else {
            overflow();
        }
    }

    @Override
    public void onResync(InvalidationMessage resync) {
        onLoop(() -> {
            if (started) {
                resync(resync);
            } else {
                resyncWhileStarting = resync;
            }
        });
    }

    /**
     * Keep-alive comment; not before the first frame, whose arrival tells the client the stream is live. Also ends a
     * stream whose client is gone but whose stream was never told: Quarkus REST only notices a close that happens
     * after it has subscribed.
     */
    void heartbeat(Buffer beat) {
        onLoop(() -> {
            if (connection.closed()) {
                end();
            } else if (started) {
                write(beat);
            }
        });
    }

    /** Ends the stream with a last frame (shutdown). */
    void complete(Buffer last) {
        onLoop(() -> {
            write(last);
            end();
        });
    }

    /** The stream's client left, or the stream ended: nothing more is written. */
    void terminated() {
        closed = true;
        release.run();
    }

    @Override
    public String toString() {
        return "stream " + channels + (started ? " started" : " starting") + (closed ? " closed" : "")
                + (connection.closed() ? ", connection closed" : "");
    }

    private void onLoop(Runnable action) {
        Runnable guarded = () -> {
            if (!closed) {
                action.run();
            }
        };
        if (loop.inEventLoop()) {
            guarded.run();
        } else {
            context.runOnContext(v -> guarded.run());
        }
    }

    private void resync(InvalidationMessage resync) {
        streams.resynced();
        write(resync.frame());
        upTo = null; // continuity is lost: what comes next is new to the client (even if Redis restarted its ids)
    }

    private void deliver(InvalidationMessage message) {
        if (repeated(message)) {
            return;
        }
        write(message.frame());
        if (message.event() instanceof Resync) {
            streams.resynced(); // a backlog replaced by a resync (see LoopFanout)
            upTo = null;
        } else {
            streams.delivered();
        }
    }

    /** A write to a connection closed meanwhile fails silently; the close itself ends the stream (or the heartbeat does). */
    private void write(Buffer frame) {
        if (closed) {
            return;
        }
        try {
            if (!connection.writeQueueFull()) {
                writesWhileFull = 0;
            } else if (++writesWhileFull > maxBuffered) {
                overflow();
                return;
            }
            connection.write(frame, null); // no completion handler: no promise per write
        } catch (IllegalStateException ended) {
            terminated(); // the response was ended under us
        }
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

    private boolean repeated(InvalidationMessage message) {
        StreamId id = message.streamId();
        if (id == null) {
            boolean same = message.id().equals(lastOtherId);
            lastOtherId = message.id();
            return same;
        }
        if (upTo != null && id.compareTo(upTo) <= 0) {
            return true;
        }
        upTo = id;
        return false;
    }
}
