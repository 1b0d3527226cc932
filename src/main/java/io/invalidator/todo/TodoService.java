package io.invalidator.todo;

import io.invalidator.invalidation.InvalidationEvent;
import io.invalidator.invalidation.InvalidationEvent.TodoCompleted;
import io.invalidator.invalidation.InvalidationEvent.TodoCreated;
import io.invalidator.invalidation.InvalidationEvent.TodoDeleted;
import io.invalidator.invalidation.InvalidationEvent.TodoUpdated;
import io.invalidator.invalidation.InvalidationEvent.UserAssigned;
import io.invalidator.jobs.Jobs;
import io.invalidator.jobs.NotifyAssignee;
import io.invalidator.jobs.RecalculateStats;
import io.invalidator.user.UserService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.NotFoundException;

import java.time.Instant;
import java.util.Objects;

/**
 * Writes to todos. Each write fires its invalidation event inside the transaction; the bus publishes it only after
 * the commit (an AFTER_SUCCESS observer), so a rolled-back write publishes nothing and a client that refetches on
 * the event sees the committed change. A write that changes nothing fires nothing.
 * <p>
 * Heavier follow-up work is enqueued as jobs in the same transaction: a write that changes counts (create, complete,
 * reopen, assign, delete) enqueues the stats recalculation, an assignment a notification to the assignee.
 */
@ApplicationScoped
public class TodoService {

    private final Event<InvalidationEvent> events;
    private final UserService users;
    private final Jobs jobs;

    TodoService(Event<InvalidationEvent> events, UserService users, Jobs jobs) {
        this.events = events;
        this.users = users;
        this.jobs = jobs;
    }

    /** @throws NotFoundException (404) when there is no such todo */
    public Todo get(long id) {
        return Todo.<Todo>findByIdOptional(id).orElseThrow(() -> new NotFoundException("Todo " + id + " not found"));
    }

    @Transactional
    public Todo create(String title, Long assigneeId) {
        if (assigneeId != null) {
            users.get(assigneeId);
        }
        Todo todo = new Todo();
        todo.title = title.strip();
        todo.status = TodoStatus.OPEN;
        todo.assigneeId = assigneeId;
        todo.updatedAt = Instant.now();
        todo.persist();
        events.fire(new TodoCreated(todo.id));
        jobs.enqueue(new RecalculateStats());
        if (assigneeId != null) {
            events.fire(new UserAssigned(assigneeId, todo.id));
            jobs.enqueue(new NotifyAssignee(assigneeId, todo.id));
        }
        return todo;
    }

    /** Changes the given fields; moving to COMPLETED is announced as {@code todo.completed}. */
    @Transactional
    public Todo update(long id, String title, TodoStatus status, Long expectedVersion) {
        Todo todo = get(id);
        checkVersion(todo, expectedVersion);
        boolean titleChanged = title != null && !title.strip().equals(todo.title);
        boolean statusChanged = status != null && status != todo.status;
        if (!titleChanged && !statusChanged) {
            return todo;
        }
        if (titleChanged) {
            todo.title = title.strip();
        }
        if (statusChanged) {
            todo.status = status;
        }
        touch(todo);
        events.fire(statusChanged && status == TodoStatus.COMPLETED && !titleChanged
                ? new TodoCompleted(id) : new TodoUpdated(id));
        if (statusChanged) {
            jobs.enqueue(new RecalculateStats());
        }
        return todo;
    }

    /** Idempotent: completing a completed todo changes and publishes nothing. */
    @Transactional
    public Todo complete(long id) {
        Todo todo = get(id);
        if (todo.status == TodoStatus.COMPLETED) {
            return todo;
        }
        todo.status = TodoStatus.COMPLETED;
        touch(todo);
        events.fire(new TodoCompleted(id));
        jobs.enqueue(new RecalculateStats());
        return todo;
    }

    @Transactional
    public Todo assign(long id, long userId, Long expectedVersion) {
        Todo todo = get(id);
        checkVersion(todo, expectedVersion);
        users.get(userId);
        if (Objects.equals(todo.assigneeId, userId)) {
            return todo;
        }
        todo.assigneeId = userId;
        touch(todo);
        events.fire(new UserAssigned(userId, id));
        jobs.enqueue(new RecalculateStats());
        jobs.enqueue(new NotifyAssignee(userId, id));
        return todo;
    }

    @Transactional
    public void delete(long id) {
        Todo todo = get(id);
        todo.delete();
        events.fire(new TodoDeleted(id));
        jobs.enqueue(new RecalculateStats());
    }

    private static void touch(Todo todo) {
        todo.updatedAt = Instant.now();
    }

    private static void checkVersion(Todo todo, Long expectedVersion) {
        if (expectedVersion != null && expectedVersion != todo.version) {
            throw new jakarta.persistence.OptimisticLockException("todo " + todo.id + " is at version " + todo.version);
        }
    }
}
