package io.invalidator.jobs;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;

@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    public record FailedJobView(long id, String kind, String jobId, String payload, int attempts, String lastFailure,
            Instant failedAt) {
        static FailedJobView from(FailedJob job) {
            return new FailedJobView(job.id, job.kind, job.jobId, job.payload, job.attempts, job.lastFailure,
                    job.failedAt);
        }
    }

    private final FailedJobService failedJobs;

    JobsResource(FailedJobService failedJobs) {
        this.failedJobs = failedJobs;
    }

    /** Jobs of this environment that failed every attempt, oldest first. */
    @GET
    @Path("/failed")
    public List<FailedJobView> failed() {
        return failedJobs.list().stream().map(FailedJobView::from).toList();
    }
}
