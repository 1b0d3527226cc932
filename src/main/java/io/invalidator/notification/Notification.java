package io.invalidator.notification;

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

/** A message to a user, in the outbox table {@code notification} (a mailer or push sender would drain it). */
@Entity
@Table(name = "notification")
public class Notification extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "user_id", nullable = false)
    public long userId;

    @Column(name = "todo_id", nullable = false)
    public long todoId;

    @Column(nullable = false, length = 32)
    public String kind;

    /** The job that wrote it; unique, so a job run twice writes it once. */
    @Column(name = "job_id", nullable = false, length = 300)
    public String jobId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static List<Notification> forUser(long userId) {
        return list("userId", Sort.by("id"), userId);
    }
}
