package io.invalidator.invalidation;

import io.invalidator.invalidation.EventCodec.InvalidEventException;
import io.invalidator.invalidation.InvalidationEvent.Resync;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The instance's one Redis subscriber connection, with reference-counted channels.
 * <p>
 * A channel is SUBSCRIBEd when its first local listener arrives and UNSUBSCRIBEd when its last one leaves, so Redis
 * sees one subscription per instance per channel however many clients listen. The connection is the Vert.x one
 * under the Quarkus client, not {@code ReactivePubSubCommands.subscribe}, which opens a connection per call.
 * <p>
 * Threading: every field below is read and written only on {@link #context}, one event loop; Redis callbacks hop
 * onto it. No locks, and nothing here blocks. A message is decoded here once and handed to each event loop that
 * owns listening streams, which write to their connections themselves: the fan-out runs on every core, and no write
 * waits for a hop to its connection's thread.
 */
@ApplicationScoped
public class RedisSubscriber {

    private final Redis redis;
    private final Vertx vertx;
    private final EventCodec codec;
    private final InvalidationConfig config;
    private final InvalidationMetrics metrics;
    private final String clientName;

    private Context context;
    private RedisConnection connection;
    private volatile boolean connected;
    private boolean stopped;
    private boolean resyncPending;
    private int reconnectAttempts;
    private final Map<String, ChannelState> channels = new HashMap<>();
    private final Map<Context, LoopFanout> fanouts = new HashMap<>();
    private volatile int subscribedChannels;
    // Copies of one event on several channels arrive back to back: decode once.
    private String lastPayload;
    private InvalidationMessage lastMessage;

    RedisSubscriber(Redis redis, Vertx vertx, EventCodec codec, InvalidationConfig config,
            InvalidationMetrics metrics) {
        this.redis = redis;
        this.vertx = vertx;
        this.codec = codec;
        this.config = config;
        this.metrics = metrics;
        this.clientName = "invalidator-sub:" + config.env() + ":" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    void start(@Observes StartupEvent startup) {
        metrics.registry().gauge("invalidation.channels.subscribed", this, s -> s.subscribedChannels);
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> connect());
    }

    /** Closed last among the bus' parts: streams are completed first (see InvalidationStreams). */
    void stop(@Observes @Priority(100) ShutdownEvent shutdown) {
        context.runOnContext(v -> {
            stopped = true;
            connected = false;
            if (connection != null) {
                connection.close();
            }
        });
    }

    /** True while the subscriber connection is up: the instance can deliver. */
    public boolean isConnected() {
        return connected;
    }

    public int subscribedChannels() {
        return subscribedChannels;
    }

    public String clientName() {
        return clientName;
    }

    /** Adds the listener to the channels; completes once Redis confirmed every subscription. */
    public Uni<Void> acquire(Collection<String> names, InvalidationListener listener) {
        return Uni.createFrom().emitter(emitter -> context.runOnContext(v -> {
            List<String> newChannels = new ArrayList<>();
            Acquisition acquisition = new Acquisition(names.size(), () -> emitter.complete(null));
            for (String name : names) {
                ChannelState state = channels.computeIfAbsent(name, n -> new ChannelState());
                state.add(listener);
                if (state.size() == 1 && connected) {
                    newChannels.add(name);
                    state.inFlight++;
                }
                if (state.inFlight == 0 && connected) {
                    acquisition.ready();
                } else {
                    state.waiters.add(acquisition);
                }
            }
            send(Command.SUBSCRIBE, newChannels);
        }));
    }

    /** Removes the listener; channels left without listeners are unsubscribed. */
    public void release(Collection<String> names, InvalidationListener listener) {
        context.runOnContext(v -> {
            List<String> emptied = new ArrayList<>();
            for (String name : names) {
                ChannelState state = channels.get(name);
                if (state != null && state.remove(listener) && state.isEmpty()) {
                    if (connected) {
                        emptied.add(name);
                        state.inFlight++;
                    } else {
                        channels.remove(name);
                    }
                }
            }
            send(Command.UNSUBSCRIBE, emptied);
        });
    }

    private void send(Command command, List<String> names) {
        if (names.isEmpty() || connection == null) {
            return;
        }
        Request request = Request.cmd(command);
        names.forEach(request::arg);
        RedisConnection conn = connection;
        conn.send(request).onFailure(failure -> onContext(() -> lost(conn, failure)));
    }

    private void connect() {
        if (stopped) {
            return;
        }
        redis.connect().onComplete(result -> onContext(() -> {
            if (result.failed()) {
                scheduleReconnect(result.cause());
                return;
            }
            RedisConnection conn = result.result();
            if (stopped) {
                conn.close();
                return;
            }
            conn.handler(push -> onContext(() -> onPush(push)));
            conn.exceptionHandler(failure -> onContext(() -> lost(conn, failure)));
            conn.endHandler(end -> onContext(() -> lost(conn, null)));
            // Named, so operators (and tests) can find it in CLIENT LIST; sent before the connection enters pub/sub mode.
            conn.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(clientName)).onComplete(named -> onContext(() -> {
                if (named.failed()) {
                    conn.close();
                    scheduleReconnect(named.cause());
                    return;
                }
                connection = conn;
                connected = true;
                if (reconnectAttempts > 0) {
                    Log.infof("Redis subscriber reconnected after %d attempt(s)", reconnectAttempts);
                }
                reconnectAttempts = 0;
                List<String> wanted = new ArrayList<>();
                channels.forEach((name, state) -> {
                    state.inFlight = 1;
                    wanted.add(name);
                });
                send(Command.SUBSCRIBE, wanted);
                maybeResync();
            }));
        }));
    }

    private void lost(RedisConnection conn, Throwable failure) {
        if (conn != connection) {
            return;
        }
        Log.warnf("Redis subscriber connection lost (%s); %d channel(s) to restore",
                failure == null ? "closed" : failure.toString(), channels.size());
        connection = null;
        connected = false;
        subscribedChannels = 0;
        conn.close();
        // Pub/Sub is at-most-once: whatever was published until we are back is gone for our listeners.
        resyncPending = true;
        channels.values().removeIf(ChannelState::isEmpty);
        channels.values().forEach(state -> state.inFlight = 0);
        scheduleReconnect(failure);
    }

    private void scheduleReconnect(Throwable cause) {
        if (stopped) {
            return;
        }
        long min = config.reconnectMinDelay().toMillis();
        long max = config.reconnectMaxDelay().toMillis();
        long delay = Math.min(max, min << Math.min(reconnectAttempts, 16));
        delay = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        reconnectAttempts++;
        if (cause != null) {
            Log.debugf("Redis subscriber reconnect attempt %d in %d ms (%s)", reconnectAttempts, delay, cause);
        }
        vertx.setTimer(delay, id -> onContext(this::connect));
    }

    private void onPush(Response push) {
        if (push == null || (push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI)
                || push.size() < 3) {
            Log.debugf("ignored reply on the subscriber connection: %s", push);
            return;
        }
        String kind = push.get(0).toString();
        String channel = push.get(1).toString();
        switch (kind) {
            case "message" -> dispatch(channel, push.get(2).toString());
            case "subscribe", "unsubscribe" -> confirmed(channel, push.get(2).toInteger());
            default -> Log.debugf("ignored push %s on %s", kind, channel);
        }
    }

    private void confirmed(String channel, int count) {
        subscribedChannels = count;
        ChannelState state = channels.get(channel);
        if (state == null) {
            return;
        }
        state.inFlight = Math.max(0, state.inFlight - 1);
        if (state.inFlight > 0) {
            return;
        }
        if (state.isEmpty()) {
            channels.remove(channel);
            return;
        }
        List<Acquisition> ready = new ArrayList<>(state.waiters);
        state.waiters.clear();
        ready.forEach(Acquisition::ready);
        maybeResync();
    }

    /** After a reconnect, once every channel is live again, tell every listener it may have missed events. */
    private void maybeResync() {
        if (!resyncPending || !connected || channels.values().stream().anyMatch(s -> s.inFlight > 0)) {
            return;
        }
        resyncPending = false;
        Set<InvalidationListener> all = new HashSet<>();
        channels.values().forEach(state -> state.groups.values().forEach(all::addAll));
        InvalidationMessage resync = codec.local(new Resync());
        all.forEach(listener -> listener.onResync(resync));
    }

    private void dispatch(String channel, String payload) {
        metrics.received.increment();
        ChannelState state = channels.get(channel);
        if (state == null || state.isEmpty()) {
            return;
        }
        InvalidationMessage message;
        if (payload.equals(lastPayload)) {
            message = lastMessage;
        } else {
            try {
                message = codec.decode(payload);
            } catch (InvalidEventException e) {
                metrics.dropped(e.getMessage().startsWith("message of") ? "too-large" : "invalid");
                Log.warnf("dropped a message on %s: %s", channel, e.getMessage());
                return;
            }
            lastPayload = payload;
            lastMessage = message;
        }
        // Handed to each event loop once, not once per listener: each loop writes to its own streams' connections.
        state.groups.forEach((loop, listeners) -> fanouts.computeIfAbsent(loop, this::fanout)
                .submit(message, listeners));
    }

    private LoopFanout fanout(Context loop) {
        return new LoopFanout(loop, config.streamBuffer(), () -> codec.local(new Resync()),
                () -> metrics.dropped("fan-out-backlog"));
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private static final class ChannelState {
        /** Listeners by the event loop they are called on; each set is also iterated on its loop, hence concurrent. */
        final Map<Context, Set<InvalidationListener>> groups = new HashMap<>();
        final List<Acquisition> waiters = new ArrayList<>(1);
        /** SUBSCRIBE/UNSUBSCRIBE commands sent and not yet confirmed; the channel is live when 0 with listeners. */
        int inFlight;
        private int size;

        void add(InvalidationListener listener) {
            if (groups.computeIfAbsent(listener.context(), loop -> ConcurrentHashMap.newKeySet()).add(listener)) {
                size++;
            }
        }

        boolean remove(InvalidationListener listener) {
            Set<InvalidationListener> group = groups.get(listener.context());
            if (group == null || !group.remove(listener)) {
                return false;
            }
            size--;
            if (group.isEmpty()) {
                groups.remove(listener.context());
            }
            return true;
        }

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }
    }

    /** A listener waiting for all of its channels to be live. */
    private static final class Acquisition {
        private int remaining;
        private final Runnable onReady;

        Acquisition(int channels, Runnable onReady) {
            this.remaining = channels;
            this.onReady = onReady;
        }

        void ready() {
            if (--remaining == 0) {
                onReady.run();
            }
        }
    }
}
