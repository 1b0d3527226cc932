package io.invalidator.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * Job counters at {@code /q/metrics}, by kind: {@code jobs_enqueued_total}, {@code jobs_coalesced_total} (an enqueue
 * that joined a pending job), {@code jobs_runs_total{outcome}} (attempts), {@code jobs_failed_total} (gave up).
 */
@Singleton
public class JobMetrics {

    private final MeterRegistry registry;

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void enqueued(String kind) {
        registry.counter("jobs.enqueued", "kind", kind).increment();
    }

    void coalesced(String kind) {
        registry.counter("jobs.coalesced", "kind", kind).increment();
    }

    void ran(String kind, boolean success) {
        registry.counter("jobs.runs", "kind", kind, "outcome", success ? "success" : "failure").increment();
    }

    void failed(String kind) {
        registry.counter("jobs.failed", "kind", kind).increment();
    }
}
