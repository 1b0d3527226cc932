package io.invalidator.stats;

import io.invalidator.todo.Todo;
import io.invalidator.todo.TodoStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

@Path("/api/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    public record Stats(long total, long open, long completed) {
    }

    @GET
    public Stats get() {
        List<Object[]> rows = Todo.getEntityManager()
                .createQuery("select t.status, count(t) from Todo t group by t.status", Object[].class)
                .getResultList();
        long open = 0;
        long completed = 0;
        for (Object[] row : rows) {
            long count = (Long) row[1];
            switch ((TodoStatus) row[0]) {
                case OPEN -> open = count;
                case COMPLETED -> completed = count;
            }
        }
        return new Stats(open + completed, open, completed);
    }
}
