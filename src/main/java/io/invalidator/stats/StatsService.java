package io.invalidator.stats;

import io.invalidator.invalidation.InvalidationEvent;
import io.invalidator.invalidation.InvalidationEvent.StatsUpdated;
import io.invalidator.todo.Todo;
import io.invalidator.todo.TodoStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The denormalized stats: read by {@code GET /api/stats}, recomputed from the todos by the recalculation job.
 */
@ApplicationScoped
public class StatsService {

    private final Event<InvalidationEvent> events;

    StatsService(Event<InvalidationEvent> events) {
        this.events = events;
    }

    /**
     * Recomputes every count from the todos and fires {@code stats.updated} (published after the commit) when any
     * changed. The totals row is locked first, so concurrent recalculations (other instances) run one after the
     * other and each counts what was committed before it started: the last one leaves the truth.
     *
     * @return whether anything changed
     */
    @Transactional
    public boolean recalculate() {
        TodoStats totals = TodoStats.lock();
        List<Object[]> rows = Todo.getEntityManager().createQuery(
                "select t.assigneeId, t.status, count(t) from Todo t group by t.assigneeId, t.status", Object[].class)
                .getResultList();
        long open = 0;
        long completed = 0;
        Map<Long, long[]> perAssignee = new HashMap<>();
        for (Object[] row : rows) {
            Long assigneeId = (Long) row[0];
            boolean isOpen = row[1] == TodoStatus.OPEN;
            long count = (Long) row[2];
            if (isOpen) {
                open += count;
            } else {
                completed += count;
            }
            if (assigneeId != null) {
                perAssignee.computeIfAbsent(assigneeId, id -> new long[2])[isOpen ? 0 : 1] += count;
            }
        }

        boolean changed = totals.open != open || totals.completed != completed;
        totals.open = open;
        totals.completed = completed;
        totals.total = open + completed;

        Map<Long, AssigneeStats> stale = AssigneeStats.<AssigneeStats>listAll().stream()
                .collect(Collectors.toMap(s -> s.assigneeId, Function.identity()));
        for (Map.Entry<Long, long[]> entry : perAssignee.entrySet()) {
            AssigneeStats stats = stale.remove(entry.getKey());
            if (stats == null) {
                stats = new AssigneeStats();
                stats.assigneeId = entry.getKey();
                stats.persist();
                changed = true;
            }
            changed |= stats.open != entry.getValue()[0] || stats.completed != entry.getValue()[1];
            stats.open = entry.getValue()[0];
            stats.completed = entry.getValue()[1];
        }
        for (AssigneeStats gone : stale.values()) {
            gone.delete();
            changed = true;
        }

        if (changed) {
            totals.updatedAt = Instant.now();
            events.fire(new StatsUpdated());
        }
        return changed;
    }
}
