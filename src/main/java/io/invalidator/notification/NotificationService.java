package io.invalidator.notification;

import io.invalidator.invalidation.InvalidationEvent;
import io.invalidator.invalidation.InvalidationEvent.NotificationCreated;
import io.invalidator.todo.Todo;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

/** Writes notifications (run by the notify-assignee job) and announces them after the commit. */
@ApplicationScoped
public class NotificationService {

    public static final String ASSIGNED = "assigned";

    private final Event<InvalidationEvent> events;

    NotificationService(Event<InvalidationEvent> events) {
        this.events = events;
    }

    /**
     * Tells the user that the todo was assigned to them, once per job id. Nothing for a todo deleted meanwhile.
     *
     * @return whether a notification was written
     */
    @Transactional
    public boolean notifyAssigned(String jobId, long userId, long todoId) {
        if (Todo.findById(todoId) == null) {
            Log.debugf("todo %d is gone: no notification for user %d", todoId, userId);
            return false;
        }
        int inserted = Notification.getEntityManager().createNativeQuery("""
                        INSERT INTO {h-schema}notification (user_id, todo_id, kind, job_id, created_at)
                        VALUES (?1, ?2, ?3, ?4, now()) ON CONFLICT (job_id) DO NOTHING""")
                .setParameter(1, userId).setParameter(2, todoId).setParameter(3, ASSIGNED).setParameter(4, jobId)
                .executeUpdate();
        if (inserted == 1) {
            events.fire(new NotificationCreated(userId));
        }
        return inserted == 1;
    }
}
