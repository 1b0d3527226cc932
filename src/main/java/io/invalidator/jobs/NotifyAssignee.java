package io.invalidator.jobs;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Tell a user that a todo was assigned to them: a {@code notification} row, then {@code notification.created}. */
@RegisterForReflection // read and written by Jackson on scheduler threads, also in a native image
public record NotifyAssignee(long userId, long todoId) implements Job {
    public NotifyAssignee {
        if (userId <= 0 || todoId <= 0) {
            throw new IllegalArgumentException("userId and todoId must be positive, were " + userId + ", " + todoId);
        }
    }
}
