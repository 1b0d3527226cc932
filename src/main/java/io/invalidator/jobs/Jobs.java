package io.invalidator.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Enqueues jobs, inside the caller's transaction: a rolled-back write enqueues nothing, a committed one never loses
 * its job (the row commits with it).
 * <p>
 * <b>Id and coalescing.</b> A job's id is {@code <payload JSON>@<window>}: the same kind and payload enqueued within
 * one {@code jobs.coalesce-window} is one row, due at the window's end, so a burst of writes runs a job a handful of
 * times, not once per write.
 * <p>
 * <b>Why not {@code SchedulerClient.scheduleIfNotExists}.</b> It runs in the caller's transaction (it does not commit
 * connections with auto-commit off), but (1) it selects, then inserts: two writers racing on the same id make the
 * second insert fail with a unique violation, which aborts the writer's whole PostgreSQL transaction; and (2) a
 * writer that finds the row pending cannot stop a scheduler from picking and running it <i>before the writer
 * commits</i>, so a job that recomputes state could miss that write. Here, in the same table and format:
 * <ol>
 * <li>{@code SELECT … FOR SHARE} the window's row. Pending: done. The share lock holds until the writer commits, and
 * db-scheduler's pick ({@code FOR UPDATE SKIP LOCKED}) skips locked rows, so the job runs after this commit.</li>
 * <li>Running (picked): the run may have read the data already; move on to the next window's row.</li>
 * <li>Absent: {@code INSERT … ON CONFLICT DO NOTHING} (invisible to schedulers until commit). If another writer
 * inserted it first, look again.</li>
 * </ol>
 * Every committed write is thus followed by a run that starts after its commit: state-recomputing jobs converge.
 */
@ApplicationScoped
public class Jobs {

    private static final int MAX_TRIES = 20;

    private final DataSource dataSource;
    private final JobRegistry registry;
    private final JobCodec codec;
    private final JobsConfig config;
    private final JobTable table;
    private final JobMetrics metrics;

    Jobs(DataSource dataSource, JobRegistry registry, JobCodec codec, JobsConfig config, JobTable table,
            JobMetrics metrics) {
        this.dataSource = dataSource;
        this.registry = registry;
        this.codec = codec;
        this.config = config;
        this.table = table;
        this.metrics = metrics;
    }

    /**
     * Enqueues the job in the current transaction (required: enqueue with the write that makes the job necessary).
     *
     * @throws IllegalArgumentException when no handler is registered for the job's type
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(Job job) {
        String kind = registry.handlerOf(job).kind();
        String payload = codec.json(job);
        long window = Math.max(1, config.coalesceWindow().toMillis());
        long slot = Math.floorDiv(System.currentTimeMillis(), window);
        try (Connection connection = dataSource.getConnection()) {
            for (int i = 0; i < MAX_TRIES; i++) {
                String id = payload + "@" + slot;
                Boolean picked = lock(connection, kind, id);
                if (picked == null) {
                    if (insert(connection, kind, id, payload, Instant.ofEpochMilli((slot + 1) * window))) {
                        metrics.enqueued(kind);
                        return;
                    }
                    // inserted by a concurrent writer that has committed since: look at it again
                } else if (!picked) {
                    metrics.coalesced(kind);
                    return;
                } else {
                    slot++;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not enqueue " + kind + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("could not enqueue " + kind + " in " + MAX_TRIES + " tries");
    }

    /** Share-locks the row; null when there is none, else whether it is picked (running). */
    private Boolean lock(Connection connection, String kind, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT picked FROM " + table.name()
                + " WHERE task_name = ? AND task_instance = ? FOR SHARE")) {
            select.setString(1, kind);
            select.setString(2, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getBoolean(1) : null;
            }
        }
    }

    private boolean insert(Connection connection, String kind, String id, String payload, Instant due)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table.name()
                + " (task_name, task_instance, task_data, execution_time, picked, version)"
                + " VALUES (?, ?, ?, ?, false, 1) ON CONFLICT (task_name, task_instance) DO NOTHING")) {
            insert.setString(1, kind);
            insert.setString(2, id);
            insert.setBytes(3, payload.getBytes(StandardCharsets.UTF_8));
            insert.setObject(4, OffsetDateTime.ofInstant(due, ZoneOffset.UTC));
            return insert.executeUpdate() == 1;
        }
    }
}
