package io.invalidator.invalidation;

import io.invalidator.invalidation.EventCodec.InvalidEventException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The recent past of the bus, for clients that come back with {@code Last-Event-ID}: every published event is also
 * appended to a capped Redis stream (see {@link RedisEventPublisher}) whose entry ids are the event ids.
 */
@ApplicationScoped
public class EventHistory {

    private final Redis redis;
    private final Channels channels;
    private final EventCodec codec;
    private final InvalidationConfig config;

    EventHistory(Redis redis, Channels channels, EventCodec codec, InvalidationConfig config) {
        this.redis = redis;
        this.channels = channels;
        this.codec = codec;
        this.config = config;
    }

    /** True for ids this service hands out (Redis stream ids); anything else cannot be resumed from. */
    public static boolean isResumable(String lastEventId) {
        return StreamId.parse(lastEventId) != null;
    }

    /**
     * The events after {@code lastEventId} on any of {@code streamChannels}, oldest first; empty when the history
     * cannot prove completeness (the id is older than the oldest kept entry, newer than the newest, the history is
     * gone, or too much was missed) — the caller then sends {@code resync}. A stream drops events not newer than the
     * id it resumed after, so an id from the future must not be taken at its word.
     */
    public Uni<Optional<List<InvalidationMessage>>> since(String lastEventId, Set<String> streamChannels) {
        int limit = config.maxReplay();
        Request oldest = Request.cmd(Command.XRANGE).arg(channels.history()).arg("-").arg("+").arg("COUNT").arg(1);
        Request newest = Request.cmd(Command.XREVRANGE).arg(channels.history()).arg("+").arg("-").arg("COUNT").arg(1);
        Request missed = Request.cmd(Command.XRANGE).arg(channels.history()).arg("(" + lastEventId).arg("+")
                .arg("COUNT").arg(limit + 1);
        StreamId after = StreamId.parse(lastEventId);
        return redis.batch(List.of(oldest, newest, missed)).map(replies -> {
            Response first = replies.get(0);
            Response last = replies.get(1);
            if (first == null || first.size() == 0 || idOf(first.get(0)).compareTo(after) > 0
                    || last == null || last.size() == 0 || idOf(last.get(0)).compareTo(after) < 0) {
                return Optional.<List<InvalidationMessage>>empty();
            }
            Response entries = replies.get(2);
            if (entries.size() > limit) {
                return Optional.<List<InvalidationMessage>>empty();
            }
            List<InvalidationMessage> result = new ArrayList<>();
            for (Response entry : entries) {
                decode(entry, streamChannels).ifPresent(result::add);
            }
            return Optional.of(List.copyOf(result));
        }).onFailure().recoverWithItem(failure -> {
            // e.g. Redis refuses the range after the largest possible id: a resync, never a stream that cannot start
            Log.debugf("no replay after %s (%s)", lastEventId, failure.getMessage());
            return Optional.empty();
        });
    }

    private Optional<InvalidationMessage> decode(Response entry, Set<String> streamChannels) {
        String id = entry.get(0).toString();
        Response fields = entry.get(1);
        String eventChannels = null;
        String body = null;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            switch (fields.get(i).toString()) {
                case "c" -> eventChannels = fields.get(i + 1).toString();
                case "e" -> body = fields.get(i + 1).toString();
                default -> {
                }
            }
        }
        if (eventChannels == null || body == null || body.length() < 2) {
            return Optional.empty();
        }
        boolean concerned = false;
        for (String channel : eventChannels.split(" ")) {
            concerned |= streamChannels.contains(channel);
        }
        if (!concerned) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(EventCodec.withId(id, body)));
        } catch (InvalidEventException e) {
            Log.warnf("skipped history entry %s: %s", id, e.getMessage());
            return Optional.empty();
        }
    }

    private static StreamId idOf(Response entry) {
        return StreamId.parse(entry.get(0).toString());
    }
}
