package io.invalidator.jobs;

import io.quarkus.arc.All;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The job kinds: one {@link JobHandler} bean per job type, each with a unique kind name. */
@Singleton
public class JobRegistry {

    private final Map<Class<?>, JobHandler<?>> byType = new HashMap<>();
    private final Map<String, JobHandler<?>> byKind = new TreeMap<>();

    JobRegistry(@All List<JobHandler<?>> handlers) {
        for (JobHandler<?> handler : handlers) {
            JobHandler<?> sameType = byType.put(handler.type(), handler);
            JobHandler<?> sameKind = byKind.put(handler.kind(), handler);
            if (sameType != null || sameKind != null) {
                throw new IllegalStateException("two job handlers for " + handler.type().getSimpleName()
                        + " / kind '" + handler.kind() + "'");
            }
        }
    }

    /** @throws IllegalArgumentException when no handler runs this job's type */
    @SuppressWarnings("unchecked")
    public <J extends Job> JobHandler<J> handlerOf(J job) {
        JobHandler<?> handler = byType.get(job.getClass());
        if (handler == null) {
            throw new IllegalArgumentException("no job handler for " + job.getClass().getName()
                    + "; known job kinds: " + byKind.keySet());
        }
        return (JobHandler<J>) handler;
    }

    public Collection<JobHandler<?>> handlers() {
        return byKind.values();
    }
}
