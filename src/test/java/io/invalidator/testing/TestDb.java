package io.invalidator.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Plain JDBC on the shared test database, to check what the service wrote (its truth, not its API). */
public final class TestDb {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private TestDb() {
    }

    /** The schema an instance with channel namespace {@code env} uses ({@code invalidator_<env>}). */
    public static String schema(String env) {
        return "invalidator_" + env;
    }

    /** The rows of a query, each as a list of column values. */
    public static List<List<Object>> rows(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(URL, "postgres", "");
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                List<List<Object>> rows = new ArrayList<>();
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 1; c <= columns; c++) {
                        row.add(rs.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String sql, Object... params) {
        return ((Number) rows(sql, params).getFirst().getFirst()).longValue();
    }

    /** The stats as {@code GET /api/stats} should report them, computed from the todos. */
    public record Stats(long total, long open, long completed, List<List<Long>> byAssignee) {
    }

    public static Stats truth(String schema) {
        List<Object> totals = rows("SELECT count(*), count(*) FILTER (WHERE status = 'OPEN'),"
                + " count(*) FILTER (WHERE status = 'COMPLETED') FROM " + schema + ".todo").getFirst();
        List<List<Long>> byAssignee = rows("SELECT assignee_id, count(*) FILTER (WHERE status = 'OPEN'),"
                + " count(*) FILTER (WHERE status = 'COMPLETED') FROM " + schema + ".todo"
                + " WHERE assignee_id IS NOT NULL GROUP BY assignee_id ORDER BY assignee_id").stream()
                .map(row -> row.stream().map(v -> ((Number) v).longValue()).toList()).toList();
        return new Stats(((Number) totals.get(0)).longValue(), ((Number) totals.get(1)).longValue(),
                ((Number) totals.get(2)).longValue(), byAssignee);
    }

    /** The same shape from a {@code GET /api/stats} body parsed as a map. */
    @SuppressWarnings("unchecked")
    public static Stats fromResponse(java.util.Map<String, Object> body) {
        List<List<Long>> byAssignee = ((List<java.util.Map<String, Object>>) body.get("byAssignee")).stream()
                .map(a -> List.of(((Number) a.get("assigneeId")).longValue(), ((Number) a.get("open")).longValue(),
                        ((Number) a.get("completed")).longValue())).toList();
        return new Stats(((Number) body.get("total")).longValue(), ((Number) body.get("open")).longValue(),
                ((Number) body.get("completed")).longValue(), byAssignee);
    }
}
