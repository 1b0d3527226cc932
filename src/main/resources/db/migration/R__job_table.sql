-- db-scheduler's table (its PostgreSQL layout for 16.x), one per environment: ${jobs_table} is
-- <invalidation.env>_scheduled_tasks (see application.properties), so environments that share a schema (dev and
-- prod both default to schema "invalidator") never pick each other's jobs.
-- Repeatable: Flyway checksums repeatable migrations after placeholder replacement, so this runs again whenever an
-- environment with another table name migrates the schema; IF NOT EXISTS keeps the re-runs harmless.
CREATE TABLE IF NOT EXISTS ${jobs_table} (
    task_name            TEXT                     NOT NULL,
    task_instance        TEXT                     NOT NULL,
    task_data            BYTEA,
    execution_time       TIMESTAMP WITH TIME ZONE NOT NULL,
    picked               BOOLEAN                  NOT NULL,
    picked_by            TEXT,
    last_success         TIMESTAMP WITH TIME ZONE,
    last_failure         TIMESTAMP WITH TIME ZONE,
    consecutive_failures INT,
    last_heartbeat       TIMESTAMP WITH TIME ZONE,
    version              BIGINT                   NOT NULL,
    priority             SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX IF NOT EXISTS ${jobs_table}_execution_time_idx ON ${jobs_table} (execution_time);
CREATE INDEX IF NOT EXISTS ${jobs_table}_last_heartbeat_idx ON ${jobs_table} (last_heartbeat);
