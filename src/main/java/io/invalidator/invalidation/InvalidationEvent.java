package io.invalidator.invalidation;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What changed, never the data itself. Clients react by refetching through the normal API.
 * <p>
 * The wire form adds a unique, ordered {@code id} (assigned by Redis when the event is published, see
 * {@link RedisEventPublisher}); {@link InvalidationMessage} carries it. Switches over this type have no default
 * branch, so adding a record here fails the build until every handler knows it.
 */
// EventCodec's own mapper needs them in a native image
@RegisterForReflection(targets = { InvalidationEvent.TodoCreated.class, InvalidationEvent.TodoUpdated.class,
        InvalidationEvent.TodoCompleted.class, InvalidationEvent.TodoDeleted.class, InvalidationEvent.UserCreated.class,
        InvalidationEvent.UserAssigned.class, InvalidationEvent.StatsUpdated.class,
        InvalidationEvent.NotificationCreated.class, InvalidationEvent.Resync.class })
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(InvalidationEvent.TodoCreated.class),
        @JsonSubTypes.Type(InvalidationEvent.TodoUpdated.class),
        @JsonSubTypes.Type(InvalidationEvent.TodoCompleted.class),
        @JsonSubTypes.Type(InvalidationEvent.TodoDeleted.class),
        @JsonSubTypes.Type(InvalidationEvent.UserCreated.class),
        @JsonSubTypes.Type(InvalidationEvent.UserAssigned.class),
        @JsonSubTypes.Type(InvalidationEvent.StatsUpdated.class),
        @JsonSubTypes.Type(InvalidationEvent.NotificationCreated.class),
        @JsonSubTypes.Type(InvalidationEvent.Resync.class),
})
public sealed interface InvalidationEvent {

    @JsonTypeName("todo.created")
    record TodoCreated(long todoId) implements InvalidationEvent {
        public TodoCreated {
            requirePositive(todoId, "todoId");
        }
    }

    @JsonTypeName("todo.updated")
    record TodoUpdated(long todoId) implements InvalidationEvent {
        public TodoUpdated {
            requirePositive(todoId, "todoId");
        }
    }

    @JsonTypeName("todo.completed")
    record TodoCompleted(long todoId) implements InvalidationEvent {
        public TodoCompleted {
            requirePositive(todoId, "todoId");
        }
    }

    @JsonTypeName("todo.deleted")
    record TodoDeleted(long todoId) implements InvalidationEvent {
        public TodoDeleted {
            requirePositive(todoId, "todoId");
        }
    }

    @JsonTypeName("user.created")
    record UserCreated(long userId) implements InvalidationEvent {
        public UserCreated {
            requirePositive(userId, "userId");
        }
    }

    @JsonTypeName("user.assigned")
    record UserAssigned(long userId, long todoId) implements InvalidationEvent {
        public UserAssigned {
            requirePositive(userId, "userId");
            requirePositive(todoId, "todoId");
        }
    }

    @JsonTypeName("stats.updated")
    record StatsUpdated() implements InvalidationEvent {
    }

    /** A notification for the user was written (by a background job). */
    @JsonTypeName("notification.created")
    record NotificationCreated(long userId) implements InvalidationEvent {
        public NotificationCreated {
            requirePositive(userId, "userId");
        }
    }

    /** Control event: continuity was lost (or the stream just started), so invalidate everything. */
    @JsonTypeName("resync")
    record Resync() implements InvalidationEvent {
    }

    private static void requirePositive(long id, String field) {
        if (id <= 0) {
            throw new IllegalArgumentException(field + " must be positive, was " + id);
        }
    }
}
