package io.invalidator.notification;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.util.List;

@Path("/api/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    public record NotificationView(long id, long userId, long todoId, String kind, Instant createdAt) {
        static NotificationView from(Notification n) {
            return new NotificationView(n.id, n.userId, n.todoId, n.kind, n.createdAt);
        }
    }

    /** A user's notifications, oldest first. */
    @GET
    public List<NotificationView> list(@RestQuery @NotNull @Positive Long userId) {
        return Notification.forUser(userId).stream().map(NotificationView::from).toList();
    }
}
