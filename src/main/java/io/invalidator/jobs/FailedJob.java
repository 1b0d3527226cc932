package io.invalidator.jobs;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** A job that failed every attempt, kept for operators. */
@Entity
@Table(name = "failed_job")
public class FailedJob extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, length = 64)
    public String env;

    @Column(nullable = false, length = 100)
    public String kind;

    @Column(name = "job_id", nullable = false, length = 300)
    public String jobId;

    @Column(nullable = false)
    public String payload;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_failure", nullable = false, length = 2000)
    public String lastFailure;

    @Column(name = "failed_at", nullable = false)
    public Instant failedAt;

    /** This environment's failed jobs, oldest first. */
    public static List<FailedJob> listFor(String env) {
        return list("env", Sort.by("id"), env);
    }
}
