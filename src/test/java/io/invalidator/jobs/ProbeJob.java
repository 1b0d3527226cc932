package io.invalidator.jobs;

/**
 * A test-only job kind (registered by {@link ProbeJobHandler}, a test-scope bean): fails its first {@code failures}
 * attempts, and records every attempt.
 */
public record ProbeJob(String name, int failures) implements Job {
    public ProbeJob {
        if (name == null || name.isBlank() || failures < 0) {
            throw new IllegalArgumentException("name required, failures >= 0");
        }
    }
}
