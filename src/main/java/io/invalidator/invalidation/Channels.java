package io.invalidator.invalidation;

import io.invalidator.invalidation.InvalidationEvent.NotificationCreated;
import io.invalidator.invalidation.InvalidationEvent.Resync;
import io.invalidator.invalidation.InvalidationEvent.StatsUpdated;
import io.invalidator.invalidation.InvalidationEvent.TodoCompleted;
import io.invalidator.invalidation.InvalidationEvent.TodoCreated;
import io.invalidator.invalidation.InvalidationEvent.TodoDeleted;
import io.invalidator.invalidation.InvalidationEvent.TodoUpdated;
import io.invalidator.invalidation.InvalidationEvent.UserAssigned;
import io.invalidator.invalidation.InvalidationEvent.UserCreated;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Channel names ({@code <env>_invalidate:…}) and which channels an event goes to. */
public final class Channels {

    private final String prefix;

    public Channels(String env) {
        this.prefix = env + "_invalidate:";
    }

    public String global() {
        return prefix + "global";
    }

    public String todo(long todoId) {
        return prefix + "todo:" + todoId;
    }

    public String user(long userId) {
        return prefix + "user:" + userId;
    }

    /** The Redis stream that keeps the recent history of published events (for resuming). */
    public String history() {
        return prefix + "history";
    }

    /** Every channel the event concerns; the most specific first, {@code global} last. */
    public List<String> routeOf(InvalidationEvent event) {
        return switch (event) {
            case TodoCreated e -> List.of(todo(e.todoId()), global());
            case TodoUpdated e -> List.of(todo(e.todoId()), global());
            case TodoCompleted e -> List.of(todo(e.todoId()), global());
            case TodoDeleted e -> List.of(todo(e.todoId()), global());
            case UserCreated e -> List.of(user(e.userId()), global());
            case UserAssigned e -> List.of(user(e.userId()), todo(e.todoId()), global());
            case StatsUpdated e -> List.of(global());
            case NotificationCreated e -> List.of(user(e.userId()), global());
            case Resync e -> List.of(global());
        };
    }

    /** The channels a stream listens to: always {@code global}, plus the todo and user it asked for. */
    public Set<String> forStream(Long todoId, Long userId) {
        Set<String> channels = new LinkedHashSet<>();
        channels.add(global());
        if (todoId != null) {
            channels.add(todo(todoId));
        }
        if (userId != null) {
            channels.add(user(userId));
        }
        return channels;
    }
}
