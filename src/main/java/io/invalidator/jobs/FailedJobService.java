package io.invalidator.jobs;

import com.github.kagkarlsson.scheduler.task.Execution;
import io.invalidator.invalidation.InvalidationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Moves a job that failed its last attempt from the job table to {@code failed_job}, in one transaction: it is never
 * both pending and failed, and never neither. (Not db-scheduler's {@code ExecutionOperations.remove()}: that one
 * commits on its own connection.) If this fails, the row stays picked, db-scheduler later declares it dead and runs
 * it again: nothing is lost.
 */
@ApplicationScoped
public class FailedJobService {

    private final DataSource dataSource;
    private final JobTable table;
    private final String env;

    FailedJobService(DataSource dataSource, JobTable table, InvalidationConfig invalidation) {
        this.dataSource = dataSource;
        this.table = table;
        this.env = invalidation.env();
    }

    @Transactional
    public void moveToFailed(Execution execution, int attempts, String cause) {
        byte[] payload;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table.name()
                        + " WHERE task_name = ? AND task_instance = ? AND version = ? RETURNING task_data")) {
            delete.setString(1, execution.taskInstance.getTaskName());
            delete.setString(2, execution.taskInstance.getId());
            delete.setLong(3, execution.version);
            try (ResultSet removed = delete.executeQuery()) {
                if (!removed.next()) {
                    throw new IllegalStateException("job " + execution.taskInstance.getTaskAndInstance()
                            + " is no longer ours (version " + execution.version + ")");
                }
                payload = removed.getBytes(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not move job " + execution.taskInstance.getTaskAndInstance()
                    + " to failed_job: " + e.getMessage(), e);
        }
        FailedJob failed = new FailedJob();
        failed.env = env;
        failed.kind = execution.taskInstance.getTaskName();
        failed.jobId = execution.taskInstance.getId();
        failed.payload = payload == null ? "" : new String(payload, StandardCharsets.UTF_8);
        failed.attempts = attempts;
        failed.lastFailure = cause.length() > 2000 ? cause.substring(0, 2000) : cause;
        failed.failedAt = Instant.now();
        failed.persist();
    }

    public List<FailedJob> list() {
        return FailedJob.listFor(env);
    }
}
