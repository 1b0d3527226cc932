package io.invalidator.testing;

import io.invalidator.todo.Todo;
import io.invalidator.user.User;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.stream.Stream;

/**
 * This run's tables (schema {@code invalidator_<INVALIDATOR_TEST_ENV>}), read and cleaned directly: a test starts
 * from empty tables, and a rejected request is checked against the database, not against the API that rejected it.
 */
@ApplicationScoped
public class Tables {

    /** Empties the domain tables, and what the jobs derive from them (stats, notifications). */
    @Transactional
    public void clear() {
        var em = Todo.getEntityManager();
        // todo_stats first: the recalculation job locks it before the other tables, so the same order cannot deadlock
        em.createNativeQuery("UPDATE {h-schema}todo_stats SET total = 0, open = 0, completed = 0, updated_at = now()")
                .executeUpdate();
        em.createNativeQuery("TRUNCATE {h-schema}notification, {h-schema}assignee_stats, {h-schema}todo,"
                + " {h-schema}app_user").executeUpdate();
    }

    /** Every row of both tables, every column: equal snapshots mean nothing changed. */
    @Transactional
    public List<String> snapshot() {
        return Stream.concat(
                User.<User>listAll(Sort.by("id")).stream()
                        .map(u -> "user " + u.id + " " + u.name + " " + u.createdAt),
                Todo.<Todo>listAll(Sort.by("id")).stream()
                        .map(t -> "todo " + t.id + " " + t.title + " " + t.status + " " + t.assigneeId + " v"
                                + t.version + " " + t.updatedAt))
                .toList();
    }

    @Transactional
    public long todoCount() {
        return Todo.count();
    }

    @Transactional
    public Todo todo(long id) {
        return Todo.findById(id);
    }
}
