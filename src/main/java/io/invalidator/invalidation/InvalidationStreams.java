package io.invalidator.invalidation;

import io.invalidator.invalidation.InvalidationEvent.Resync;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.sse.OutboundSseEvent;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The open SSE streams of this instance: opens them on the subscriber, sends heartbeats, completes them on shutdown.
 */
@ApplicationScoped
public class InvalidationStreams {

    private final RedisSubscriber subscriber;
    private final EventHistory history;
    private final EventCodec codec;
    private final InvalidationConfig config;
    private final InvalidationMetrics metrics;
    private final Vertx vertx;
    private final Set<StreamSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    InvalidationStreams(RedisSubscriber subscriber, EventHistory history, EventCodec codec, InvalidationConfig config,
            InvalidationMetrics metrics, Vertx vertx) {
        this.subscriber = subscriber;
        this.history = history;
        this.codec = codec;
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent startup) {
        metrics.registry().gaugeCollectionSize("invalidation.streams.open", List.of(), sessions);
        vertx.setPeriodic(config.heartbeat().toMillis(), id -> heartbeat());
    }

    /**
     * A stream of the given channels. It starts once every channel is live at Redis, so a client that refetches on
     * the first frame misses nothing. A new client's first frame is {@code resync} (with the {@code retry:} hint); a
     * client resuming with {@code Last-Event-ID} gets a {@code :resumed} comment and the events it missed from the
     * history, or {@code resync} when the history cannot cover the gap.
     * <p>
     * The returned {@code Multi} emits no items: it is the stream's life for Quarkus REST (which sends the headers,
     * cancels it when the client leaves, and ends the response when it completes). The frames themselves are written
     * by the {@link StreamSession} to {@code connection} as bytes encoded once per event: Quarkus REST would serialize
     * every {@code OutboundSseEvent} again for every client (a writer lookup, a string and a UTF-8 copy per frame per
     * stream), which at 10,000 streams was the largest single cost of a fan-out. Must be called on the connection's
     * event loop.
     */
    public Multi<OutboundSseEvent> open(Set<String> channels, String lastEventId, HttpServerResponse connection) {
        Context request = Vertx.currentContext();
        if (request == null || !Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a stream must be opened on its connection's event loop");
        }
        StreamSession session = new StreamSession(channels, this, connection, request, config.streamBuffer());
        return Multi.createFrom().<OutboundSseEvent>emitter(emitter -> {
            AtomicReference<Cancellable> starting = new AtomicReference<>();
            Runnable release = () -> {
                Cancellable start = starting.get();
                if (start != null) {
                    start.cancel(); // a client that leaves before its stream is live
                }
                if (sessions.remove(session)) {
                    subscriber.release(channels, session);
                }
            };
            session.attach(emitter, release);
            // Mutiny drops a termination callback registered after a cancellation: register first, re-check last.
            emitter.onTermination(session::terminated);
            sessions.add(session);
            if (shuttingDown) {
                // opened just before shutdown began, and added after stop() went through the sessions
                session.complete(SseFrames.comment("shutting down", config.retry().toMillis()));
                return;
            }
            starting.set(subscriber.acquire(channels, session)
                    .ifNoItem().after(config.subscribeTimeout()).fail()
                    .chain(live -> EventHistory.isResumable(lastEventId)
                            ? history.since(lastEventId, channels)
                            : Uni.createFrom().item(Optional.<List<InvalidationMessage>>empty()))
                    .subscribe().with(
                            replay -> session.start(replay.isPresent() ? resumedFrame() : firstFrame(),
                                    replay.isPresent() ? lastEventId : null, replay.orElse(List.of())),
                            failure -> {
                                Log.warnf("stream not started (%s)", failure.toString());
                                emitter.fail(failure);
                            }));
            if (emitter.isCancelled()) {
                session.terminated();
            }
        });
    }

    /** False when this instance should not take new streams: shutting down, or at its configured maximum. */
    public boolean acceptsStreams() {
        return !shuttingDown && sessions.size() < config.maxStreams();
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /** The open streams' states, for diagnosing leaks. */
    List<String> describeStreams() {
        return sessions.stream().map(StreamSession::toString).toList();
    }

    public int openStreams() {
        return sessions.size();
    }

    /** Every local stream may have missed something (for example an event that could not be published). */
    public void resyncAll() {
        InvalidationMessage resync = codec.local(new Resync());
        sessions.forEach(session -> session.onResync(resync));
    }

    /**
     * Shutdown, in the seed's order: readiness goes DOWN and streams are completed first (the pre-shutdown phase, before
     * the HTTP server drains), then Redis and the database close. Each stream gets its own {@code retry:} hint spread
     * over a few seconds, so clients do not all reconnect in the same instant.
     */
    void drain(@Observes ShutdownDelayInitiatedEvent shutdown) {
        stop();
    }

    /** Fallback when the pre-shutdown phase is disabled; a no-op after {@link #drain}. */
    void stop(@Observes @Priority(10) ShutdownEvent shutdown) {
        stop();
    }

    private synchronized void stop() {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        long base = config.retry().toMillis();
        int count = sessions.size();
        for (StreamSession session : sessions) {
            long spread = base + ThreadLocalRandom.current().nextLong(Math.max(1, base * 2));
            session.complete(SseFrames.comment("shutting down", spread));
        }
        if (count > 0) {
            Log.infof("completing %d stream(s) for shutdown", count);
        }
    }

    void resynced() {
        metrics.resyncs.increment();
    }

    void overflowed() {
        metrics.slowClientsClosed.increment();
    }

    void delivered() {
        metrics.delivered.increment();
    }

    private Buffer resumedFrame() {
        return SseFrames.comment("resumed", config.retry().toMillis());
    }

    private Buffer firstFrame() {
        metrics.resyncs.increment();
        return SseFrames.data(codec.local(new Resync()).json(), config.retry().toMillis());
    }

    private void heartbeat() {
        sessions.forEach(session -> session.heartbeat(SseFrames.HEARTBEAT));
    }
}
