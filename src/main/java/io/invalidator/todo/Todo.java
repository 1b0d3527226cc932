package io.invalidator.todo;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.List;

@Entity
@Table(name = "todo")
public class Todo extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, length = 200)
    public String title;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public TodoStatus status;

    @Column(name = "assignee_id")
    public Long assigneeId;

    /** Optimistic lock: concurrent writers of one todo cannot silently overwrite each other. */
    @Version
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Todos matching the optional filters, oldest first. */
    public static List<Todo> list(TodoStatus status, Long assigneeId) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (status != null) {
            query.append(" and status = :status");
            params.and("status", status);
        }
        if (assigneeId != null) {
            query.append(" and assigneeId = :assigneeId");
            params.and("assigneeId", assigneeId);
        }
        return list(query.toString(), Sort.by("id"), params);
    }
}
