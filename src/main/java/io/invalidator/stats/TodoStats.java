package io.invalidator.stats;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.Instant;

/** The single row of totals, written only by the recalculation job. */
@Entity
@Table(name = "todo_stats")
public class TodoStats extends PanacheEntityBase {

    static final short ID = 1;

    @Id
    public short id;

    @Column(nullable = false)
    public long total;

    @Column(nullable = false)
    public long open;

    @Column(nullable = false)
    public long completed;

    /** When the numbers last changed. */
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static TodoStats current() {
        return findById(ID);
    }

    /** The row, locked until the end of the transaction: recalculations run one after another. */
    static TodoStats lock() {
        return findById(ID, LockModeType.PESSIMISTIC_WRITE);
    }
}
