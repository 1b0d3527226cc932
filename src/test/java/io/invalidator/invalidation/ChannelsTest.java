package io.invalidator.invalidation;

import io.invalidator.invalidation.InvalidationEvent.Resync;
import io.invalidator.invalidation.InvalidationEvent.NotificationCreated;
import io.invalidator.invalidation.InvalidationEvent.StatsUpdated;
import io.invalidator.invalidation.InvalidationEvent.TodoCompleted;
import io.invalidator.invalidation.InvalidationEvent.TodoCreated;
import io.invalidator.invalidation.InvalidationEvent.TodoDeleted;
import io.invalidator.invalidation.InvalidationEvent.TodoUpdated;
import io.invalidator.invalidation.InvalidationEvent.UserAssigned;
import io.invalidator.invalidation.InvalidationEvent.UserCreated;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pure logic: channel naming and routing, no Quarkus boot needed. */
class ChannelsTest {

    private final Channels channels = new Channels("prod");

    @Test
    void shouldNamespaceChannelsByEnvironment() {
        assertEquals("prod_invalidate:global", channels.global());
        assertEquals("prod_invalidate:todo:42", channels.todo(42));
        assertEquals("prod_invalidate:user:7", channels.user(7));
        assertEquals("dev_invalidate:global", new Channels("dev").global());
    }

    @Test
    void shouldRouteTodoEventsToTheTodoAndGlobal() {
        List<String> expected = List.of("prod_invalidate:todo:42", "prod_invalidate:global");
        assertEquals(expected, channels.routeOf(new TodoCreated(42)));
        assertEquals(expected, channels.routeOf(new TodoUpdated(42)));
        assertEquals(expected, channels.routeOf(new TodoCompleted(42)));
        assertEquals(expected, channels.routeOf(new TodoDeleted(42)));
    }

    @Test
    void shouldRouteAssignmentsToTheUserTheTodoAndGlobal() {
        assertEquals(List.of("prod_invalidate:user:7", "prod_invalidate:todo:42", "prod_invalidate:global"),
                channels.routeOf(new UserAssigned(7, 42)));
    }

    @Test
    void shouldRouteNewUsersToTheUserAndGlobal() {
        assertEquals(List.of("prod_invalidate:user:7", "prod_invalidate:global"), channels.routeOf(new UserCreated(7)));
    }

    @Test
    void shouldRouteNotificationsToTheUserAndGlobal() {
        assertEquals(List.of("prod_invalidate:user:7", "prod_invalidate:global"),
                channels.routeOf(new NotificationCreated(7)));
    }

    @Test
    void shouldRouteStatsAndResyncToGlobalOnly() {
        assertEquals(List.of("prod_invalidate:global"), channels.routeOf(new StatsUpdated()));
        assertEquals(List.of("prod_invalidate:global"), channels.routeOf(new Resync()));
    }

    @Test
    void shouldAlwaysStreamGlobalPlusTheRequestedIds() {
        assertEquals(Set.of("prod_invalidate:global"), channels.forStream(null, null));
        assertEquals(Set.of("prod_invalidate:global", "prod_invalidate:todo:1", "prod_invalidate:user:2"),
                channels.forStream(1L, 2L));
    }
}
