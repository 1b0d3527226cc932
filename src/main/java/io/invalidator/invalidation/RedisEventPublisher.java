package io.invalidator.invalidation;

import io.quarkus.logging.Log;
import io.invalidator.invalidation.InvalidationEvent.Resync;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes invalidation events to Redis, only once the transaction that fired them has committed.
 * <p>
 * One Lua script per event, atomically: append to the capped history stream (its entry id becomes the event id,
 * ordered across all instances), then PUBLISH to every channel of the event. Atomic execution also means a
 * subscriber sees the copies of one event on its different channels back to back.
 */
@ApplicationScoped
public class RedisEventPublisher {

    // KEYS[1] history stream; ARGV[1] history size, ARGV[2] event JSON without id, ARGV[3..] channels.
    static final String SCRIPT = """
            local channels = table.concat(ARGV, ' ', 3)
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'c', channels, 'e', ARGV[2])
            local msg = '{"id":"' .. id .. '",' .. string.sub(ARGV[2], 2)
            for i = 3, #ARGV do
              redis.call('PUBLISH', ARGV[i], msg)
            end
            return id
            """;
    private static final String SCRIPT_SHA = sha1(SCRIPT);

    private final Redis redis;
    private final Channels channels;
    private final EventCodec codec;
    private final InvalidationConfig config;
    private final InvalidationMetrics metrics;
    private final InvalidationStreams streams;
    private final Vertx vertx;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean resyncOwed = new AtomicBoolean();

    RedisEventPublisher(Redis redis, Channels channels, EventCodec codec, InvalidationConfig config,
            InvalidationMetrics metrics, InvalidationStreams streams, Vertx vertx) {
        this.vertx = vertx;
        this.redis = redis;
        this.channels = channels;
        this.codec = codec;
        this.config = config;
        this.metrics = metrics;
        this.streams = streams;
    }

    /**
     * Runs after a successful commit; it can no longer fail the writer. While Redis is unreachable the event is
     * retried (bounded in time, and in number of waiting events so memory cannot grow without limit); an event that
     * cannot be delivered ends in a {@code resync}: at once for the local streams, and published to {@code global}
     * as soon as Redis takes it, for every other instance's streams (which may have had Redis all along).
     */
    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) InvalidationEvent event) {
        if (pending.incrementAndGet() > config.maxPendingPublishes()) {
            pending.decrementAndGet();
            undeliverable(event, "too many events waiting for Redis");
            return;
        }
        publish(event).onTermination().invoke(pending::decrementAndGet).subscribe().with(
                id -> Log.debugf("published %s as %s", event.getClass().getSimpleName(), id),
                failure -> undeliverable(event, failure.toString()));
    }

    private void undeliverable(InvalidationEvent event, String reason) {
        metrics.publishFailures.increment();
        Log.errorf("could not publish %s (%s): every stream gets a resync", event, reason);
        streams.resyncAll();
        if (resyncOwed.compareAndSet(false, true)) {
            publishOwedResync();
        }
    }

    /** One owed resync at a time, retried until Redis takes it; later failures are covered by the same one. */
    private void publishOwedResync() {
        publish(new Resync()).subscribe().with(
                id -> {
                    resyncOwed.set(false);
                    Log.infof("published the owed resync as %s", id);
                },
                failure -> vertx.setTimer(1_000, timer -> publishOwedResync()));
    }

    /** Publishes now, retrying with backoff while Redis is unreachable; emits the event id. */
    public Uni<String> publish(InvalidationEvent event) {
        List<String> route = channels.routeOf(event);
        String body = codec.encodeBody(event);
        return Uni.createFrom().deferred(() -> run(route, body))
                .onFailure().retry().withBackOff(Duration.ofMillis(50), Duration.ofSeconds(2)).atMost(8)
                .invoke(id -> metrics.published.increment());
    }

    private Uni<String> run(List<String> route, String body) {
        return redis.send(script(Command.EVALSHA, SCRIPT_SHA, route, body))
                .onFailure(RedisEventPublisher::isNoScript)
                .recoverWithUni(() -> redis.send(script(Command.EVAL, SCRIPT, route, body)))
                .map(Response::toString);
    }

    private Request script(Command command, String script, List<String> route, String body) {
        Request request = Request.cmd(command).arg(script).arg(1).arg(channels.history())
                .arg(config.historySize()).arg(body);
        route.forEach(request::arg);
        return request;
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    private static String sha1(String script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
