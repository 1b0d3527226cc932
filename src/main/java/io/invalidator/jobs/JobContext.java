package io.invalidator.jobs;

/**
 * What a handler knows about the run in progress.
 *
 * @param kind    the job's kind ({@link JobHandler#kind()})
 * @param id      the job's instance id: derived from kind, payload and coalescing window, so the same for every
 *                attempt (use it to make the job's effects idempotent)
 * @param attempt 1 for the first attempt
 */
public record JobContext(String kind, String id, int attempt) {
}
