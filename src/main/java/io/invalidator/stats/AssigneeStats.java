package io.invalidator.stats;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.List;

/** Counts of one assignee's todos; only users with at least one todo have a row. */
@Entity
@Table(name = "assignee_stats")
public class AssigneeStats extends PanacheEntityBase {

    @Id
    @Column(name = "assignee_id")
    public long assigneeId;

    @Column(nullable = false)
    public long open;

    @Column(nullable = false)
    public long completed;

    public static List<AssigneeStats> byAssignee() {
        return listAll(Sort.by("assigneeId"));
    }
}
