package io.invalidator.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * db-scheduler on this instance: one task per {@link JobHandler}, started at startup (after Flyway has created the
 * table) and stopped at shutdown before the datasource closes. Picks due jobs with
 * {@code UPDATE … WHERE … IN (SELECT … FOR UPDATE SKIP LOCKED)}, so each run happens on exactly one instance.
 * <p>
 * A failed attempt is retried after {@code retry-delay × retry-multiplier^(attempt-1)}; after {@code max-attempts}
 * the job moves to {@code failed_job} ({@link FailedJobService}).
 */
@ApplicationScoped
public class JobScheduler {

    private final DataSource dataSource;
    private final JobRegistry registry;
    private final JobCodec codec;
    private final JobsConfig config;
    private final JobTable table;
    private final JobMetrics metrics;
    private final FailedJobService failedJobs;
    private volatile Scheduler scheduler;

    JobScheduler(DataSource dataSource, JobRegistry registry, JobCodec codec, JobsConfig config, JobTable table,
            JobMetrics metrics, FailedJobService failedJobs) {
        this.dataSource = dataSource;
        this.registry = registry;
        this.codec = codec;
        this.config = config;
        this.table = table;
        this.metrics = metrics;
        this.failedJobs = failedJobs;
    }

    void start(@Observes StartupEvent event) {
        if (!config.worker()) {
            Log.infof("jobs: not running jobs on this instance (jobs.worker=false); enqueuing into %s", table.name());
            return;
        }
        List<Task<?>> tasks = registry.handlers().stream().<Task<?>>map(this::task).toList();
        scheduler = Scheduler.create(dataSource, tasks)
                .tableName(table.name())
                .serializer(codec)
                .schedulerName(new SchedulerName.Fixed(instanceName()))
                .pollingInterval(config.pollingInterval())
                .pollUsingLockAndFetch(0.5, 1.0)
                .threads(config.threads())
                .heartbeatInterval(config.heartbeat())
                .shutdownMaxWait(config.shutdownMaxWait())
                .failureLogging(LogLevel.DEBUG, false) // failures are logged below, once, without payloads
                .build();
        scheduler.start();
        Log.infof("jobs: running %s from %s", registry.handlers().stream().map(JobHandler::kind).toList(),
                table.name());
    }

    /** Early among the shutdown observers: running jobs still have the database and Redis. */
    void stop(@Observes @Priority(1) ShutdownEvent event) {
        Scheduler running = scheduler;
        if (running != null) {
            scheduler = null;
            running.stop();
        }
    }

    private <J extends Job> Task<J> task(JobHandler<J> handler) {
        return Tasks.oneTime(handler.kind(), handler.type())
                .onFailure((complete, operations) -> onFailure(handler.kind(), complete, operations))
                .execute((instance, context) -> run(handler, instance,
                        context.getExecution().consecutiveFailures + 1));
    }

    private <J extends Job> void run(JobHandler<J> handler, TaskInstance<J> instance, int attempt) {
        try {
            handler.run(instance.getData(), new JobContext(handler.kind(), instance.getId(), attempt));
            metrics.ran(handler.kind(), true);
            Log.debugf("job %s %s done (attempt %d)", handler.kind(), instance.getId(), attempt);
        } catch (Exception e) {
            metrics.ran(handler.kind(), false);
            throw e instanceof RuntimeException r ? r : new JobFailedException(e);
        }
    }

    private <J> void onFailure(String kind, ExecutionComplete complete, ExecutionOperations<J> operations) {
        int attempts = complete.getExecution().consecutiveFailures + 1;
        String id = complete.getExecution().taskInstance.getId();
        String cause = complete.getCause()
                .map(failure -> failure instanceof JobFailedException ? failure.getCause() : failure)
                .map(Throwable::toString).orElse("unknown");
        if (attempts < config.maxAttempts()) {
            Duration delay = config.retryDelay().multipliedBy(
                    Math.round(1000 * Math.pow(config.retryMultiplier(), attempts - 1))).dividedBy(1000);
            Log.warnf("job %s %s failed attempt %d of %d, retrying in %s: %s", kind, id, attempts,
                    config.maxAttempts(), delay, cause);
            operations.reschedule(complete, complete.getTimeDone().plus(delay));
        } else {
            Log.errorf("job %s %s failed attempt %d of %d, giving up (GET /api/jobs/failed): %s", kind, id,
                    attempts, config.maxAttempts(), cause);
            failedJobs.moveToFailed(complete.getExecution(), attempts, cause);
            metrics.failed(kind);
        }
    }

    private static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /** A checked exception thrown by a handler, carried out of db-scheduler's unchecked handler interface. */
    static final class JobFailedException extends RuntimeException {
        JobFailedException(Exception cause) {
            super(cause.toString(), cause);
        }
    }
}
