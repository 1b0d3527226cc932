package io.invalidator.invalidation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** Counters of the bus, exported at {@code /q/metrics}; gauges are registered by their owners. */
@Singleton // fields are read directly: no client proxy
public class InvalidationMetrics {

    private final MeterRegistry registry;
    final Counter published;
    final Counter publishFailures;
    final Counter received;
    final Counter delivered;
    final Counter resyncs;
    final Counter slowClientsClosed;

    InvalidationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.published = registry.counter("invalidation.events.published");
        this.publishFailures = registry.counter("invalidation.events.publish.failures");
        this.received = registry.counter("invalidation.events.received");
        this.delivered = registry.counter("invalidation.events.delivered");
        this.resyncs = registry.counter("invalidation.resyncs.sent");
        this.slowClientsClosed = registry.counter("invalidation.streams.overflowed");
    }

    void dropped(String reason) {
        registry.counter("invalidation.events.dropped", "reason", reason).increment();
    }

    MeterRegistry registry() {
        return registry;
    }
}
