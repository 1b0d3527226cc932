package io.invalidator.jobs;

/**
 * Runs one kind of job. Each handler is a CDI bean; {@link JobRegistry} collects them, and every one becomes a
 * db-scheduler task named {@link #kind()}.
 * <p>
 * A run is at least once: an attempt that throws is retried with backoff (see {@link JobsConfig}), and a run whose
 * instance died is run again elsewhere. Make the effects idempotent (e.g. keyed by {@link JobContext#id()}).
 * Handlers run on a scheduler thread without a transaction: start one ({@code @Transactional} on the service they
 * call), and fire invalidation events inside it, like any other write.
 */
public interface JobHandler<J extends Job> {

    /** The job type this handler runs. */
    Class<J> type();

    /** Stable name of the kind, the task name in the job table: do not rename while jobs of it are pending. */
    String kind();

    /** Runs the job; throwing fails this attempt. */
    void run(J job, JobContext context) throws Exception;
}
