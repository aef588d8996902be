package dev.underway.workflows.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.ChangeObjects;
import java.util.List;

/**
 * What a schema change will do to a table, computed by the {@link Planner} from an observation
 * and shown at every gate.
 *
 * @param table {@code schema.table}
 * @param kind the change
 * @param key the key the backfill walks (its constraint or index name)
 * @param keyColumns the key's columns, in order
 * @param rows rows to backfill (exact when counted, else the estimate)
 * @param rowsExact whether {@code rows} was counted
 * @param bytes the table's size with its indexes
 * @param add what expand adds: {@code name type} per column (and the version column when it is
 *     missing)
 * @param objects the sync trigger, its function and the two flags
 * @param drop what the contract drops, in order: the replaced column(s) ({@code
 *     schema.table.column}), the trigger, the function
 * @param confirm what an approval of the contract gate must carry, typed exactly: the dropped
 *     column ({@code schema.table.column}), or the trigger when no column is dropped
 * @param reversible whether new-shape writes keep every replaced column right (each has a
 *     {@code down}): reads can be reverted after old writes stopped
 * @param standbys each standby and its replay lag as observed
 * @param warnings what an approver must know
 * @param heapBytes the heap's size ({@code pg_relation_size}); null when not observed
 * @param indexBytes the indexes' size ({@code pg_indexes_size}); null when not observed
 * @param keyWalk how PostgreSQL plans the backfill's key walk, e.g. {@code Index Only Scan using
 *     orders_pkey}; null when not observed
 * @param costs what the backfill costs the database: rows rewritten, heap and index growth, WAL
 *     (see {@link BackfillCosts})
 * @param carried the replaced column's constraints carried to the new one, and those not
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchemaPlan(
    String table,
    ChangeKind kind,
    String key,
    List<String> keyColumns,
    long rows,
    boolean rowsExact,
    long bytes,
    List<String> add,
    ChangeObjects objects,
    List<String> drop,
    String confirm,
    boolean reversible,
    List<String> standbys,
    List<String> warnings,
    Long heapBytes,
    Long indexBytes,
    String keyWalk,
    List<String> costs,
    List<String> carried) {

  public SchemaPlan {
    costs = costs == null ? List.of() : List.copyOf(costs);
    carried = carried == null ? List.of() : List.copyOf(carried);
    keyColumns = List.copyOf(keyColumns);
    add = List.copyOf(add);
    drop = List.copyOf(drop);
    standbys = List.copyOf(standbys);
    warnings = List.copyOf(warnings);
  }

  /** The bookkeeping tables expand creates when they are missing, in the table's schema. */
  @JsonIgnore
  public String bookkeeping() {
    String schema = table.substring(0, table.indexOf('.') + 1);
    return "creates, if missing, " + schema + ChangeObjects.FLAGS_TABLE + " (the flags"
        + " applications read: it stays, and after the contract this change's rows stay at"
        + " new, for applications that still read them; delete them once none does) and "
        + schema + ChangeObjects.CHANGES_TABLE + " (the run's marker and the backfill's control"
        + " row: the contract or the rollback drops it when no other change holds a row in it)";
  }
}
