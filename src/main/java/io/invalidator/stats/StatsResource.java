package io.invalidator.stats;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;

/**
 * The denormalized stats as the last recalculation left them. A write that changes counts enqueues a recalculation;
 * when it has run, {@code stats.updated} tells clients to fetch this again.
 */
@Path("/api/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    public record Stats(long total, long open, long completed, List<AssigneeCounts> byAssignee, Instant updatedAt) {
    }

    public record AssigneeCounts(long assigneeId, long open, long completed) {
    }

    @GET
    public Stats get() {
        TodoStats totals = TodoStats.current();
        List<AssigneeCounts> byAssignee = AssigneeStats.byAssignee().stream()
                .map(s -> new AssigneeCounts(s.assigneeId, s.open, s.completed)).toList();
        return new Stats(totals.total, totals.open, totals.completed, byAssignee, totals.updatedAt);
    }
}
