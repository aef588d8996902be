package dev.underway.workflows.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.underway.activities.schema.ChangeKind;
import dev.underway.activities.schema.ChangeObjects;
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
    List<String> carried) {

  public SchemaPlan {
    carried = carried == null ? List.of() : List.copyOf(carried);
    keyColumns = List.copyOf(keyColumns);
    add = List.copyOf(add);
    drop = List.copyOf(drop);
    standbys = List.copyOf(standbys);
    warnings = List.copyOf(warnings);
  }
}
