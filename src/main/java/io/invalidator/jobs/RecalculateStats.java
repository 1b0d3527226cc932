package io.invalidator.jobs;

/** Recompute the denormalized stats from the todos; publishes {@code stats.updated} when they changed. */
public record RecalculateStats() implements Job {
}
