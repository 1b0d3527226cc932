package io.invalidator.jobs;

import io.invalidator.stats.StatsService;
import jakarta.inject.Singleton;

@Singleton
class RecalculateStatsHandler implements JobHandler<RecalculateStats> {

    private final StatsService stats;

    RecalculateStatsHandler(StatsService stats) {
        this.stats = stats;
    }

    @Override
    public Class<RecalculateStats> type() {
        return RecalculateStats.class;
    }

    @Override
    public String kind() {
        return "recalculate-stats";
    }

    @Override
    public void run(RecalculateStats job, JobContext context) {
        stats.recalculate();
    }
}
