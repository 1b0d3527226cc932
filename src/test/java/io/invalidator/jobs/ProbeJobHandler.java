package io.invalidator.jobs;

import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Runs {@link ProbeJob}s: records attempts by job name, fails as told, and can hold a run until released. */
@Singleton
public class ProbeJobHandler implements JobHandler<ProbeJob> {

    /** One attempt: when it started, its number, whether it succeeded. */
    public record Attempt(Instant at, int attempt, boolean success) {
    }

    private final Map<String, List<Attempt>> attempts = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> entered = new ConcurrentHashMap<>();

    @Override
    public Class<ProbeJob> type() {
        return ProbeJob.class;
    }

    @Override
    public String kind() {
        return "probe";
    }

    @Override
    public void run(ProbeJob job, JobContext context) throws InterruptedException {
        Instant at = Instant.now();
        entered.computeIfAbsent(job.name(), n -> new CountDownLatch(1)).countDown();
        CountDownLatch gate = gates.get(job.name());
        if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate of " + job.name() + " never opened");
        }
        boolean success = context.attempt() > job.failures();
        attempts.computeIfAbsent(job.name(), n -> new CopyOnWriteArrayList<>())
                .add(new Attempt(at, context.attempt(), success));
        if (!success) {
            throw new IllegalStateException("probe " + job.name() + " fails attempt " + context.attempt());
        }
    }

    public List<Attempt> attempts(String name) {
        return List.copyOf(attempts.getOrDefault(name, List.of()));
    }

    /** From now on, runs of this name wait in the handler until {@link #open}. */
    public void hold(String name) {
        gates.put(name, new CountDownLatch(1));
    }

    public void open(String name) {
        gates.remove(name).countDown();
    }

    /** Waits until a run of this name has started. */
    public boolean awaitRunning(String name, long seconds) throws InterruptedException {
        return entered.computeIfAbsent(name, n -> new CountDownLatch(1)).await(seconds, TimeUnit.SECONDS);
    }
}
