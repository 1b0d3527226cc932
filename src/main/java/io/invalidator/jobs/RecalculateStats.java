package io.invalidator.jobs;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Recompute the denormalized stats from the todos; publishes {@code stats.updated} when they changed. */
@RegisterForReflection // read and written by Jackson on scheduler threads, also in a native image
public record RecalculateStats() implements Job {
}
