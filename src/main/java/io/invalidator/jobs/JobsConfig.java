package io.invalidator.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "jobs")
public interface JobsConfig {

    /** db-scheduler's table; one per environment: {@code <invalidation.env>_scheduled_tasks}. */
    String table();

    /** Schema of the job table: the service's schema ({@code invalidator.schema}). */
    String schema();

    /** Run jobs on this instance; {@code false}: only enqueue them (instances that only serve HTTP). */
    @WithDefault("true")
    boolean worker();

    /** How often an instance looks for due jobs. */
    @WithDefault("250ms")
    Duration pollingInterval();

    /** Enqueues of the same job (kind and payload) within one window of this length run once, at the window's end. */
    @WithDefault("500ms")
    Duration coalesceWindow();

    /** Attempts per job; a job that fails them all is kept as failed ({@code GET /api/jobs/failed}). */
    @WithDefault("3")
    int maxAttempts();

    /** Delay before the second attempt; each later attempt waits {@code retry-multiplier} times longer. */
    @WithDefault("1s")
    Duration retryDelay();

    @WithDefault("2")
    double retryMultiplier();

    /** Jobs run at the same time on one instance. */
    @WithDefault("4")
    int threads();

    /** Heartbeat of running jobs; a job whose instance missed 6 heartbeats (it died) is run again elsewhere. */
    @WithDefault("10s")
    Duration heartbeat();

    /** On shutdown, how long running jobs may take to finish; the ones still running are run again later. */
    @WithDefault("5s")
    Duration shutdownMaxWait();
}
