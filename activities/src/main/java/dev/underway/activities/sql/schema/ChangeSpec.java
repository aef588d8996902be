package dev.underway.activities.sql.schema;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One expand/contract change of a table, as the SQL building blocks take it: the columns the
 * expand adds (each with its {@code up} expression over the old shape), the old shape's columns
 * (each with an optional {@code down} expression over the new shape, and whether the contract
 * drops it), and the renames the contract makes.
 *
 * <p>Expressions are SQL over the row's columns by their plain (unqualified) names, e.g. {@code
 * first_name || ' ' || last_name}; they run in the backfill's {@code UPDATE}, in the sync
 * trigger (where each column is a PL/pgSQL variable of the same name) and in the verify query.
 *
 * @param table the table changed
 * @param keyColumns the unique not-null key the batches walk; empty: the primary key
 * @param newColumns what expand adds
 * @param oldColumns the old shape: the columns {@code down} fills and the contract drops
 * @param renamesOnContract new column name to the name it takes at the contract (e.g. {@code
 *     amount_new} to {@code amount} once {@code amount} is dropped); may be empty
 * @param runId the run that owns the change (the table's marker holds it: one run per table)
 */
public record ChangeSpec(
    TableName table,
    List<String> keyColumns,
    List<NewColumn> newColumns,
    List<OldColumn> oldColumns,
    Map<String, String> renamesOnContract,
    String runId) {

  public ChangeSpec {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(runId, "runId");
    keyColumns = keyColumns == null ? List.of() : List.copyOf(keyColumns);
    newColumns = List.copyOf(Objects.requireNonNull(newColumns, "newColumns"));
    oldColumns = oldColumns == null ? List.of() : List.copyOf(oldColumns);
    renamesOnContract = renamesOnContract == null ? Map.of() : Map.copyOf(renamesOnContract);
    if (newColumns.isEmpty()) {
      throw new IllegalArgumentException("a change adds at least one column");
    }
  }

  /**
   * A column expand adds: always nullable, so adding it never rewrites the table.
   *
   * @param name the column
   * @param type its SQL type, e.g. {@code bigint}
   * @param up its value from the old shape
   * @param defaultExpression an optional default for new rows (refused when it would rewrite the
   *     table, e.g. a volatile one); null for none
   */
  public record NewColumn(String name, String type, String up, String defaultExpression) {
    public NewColumn {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(up, "up");
    }
  }

  /**
   * A column of the old shape.
   *
   * @param name the column
   * @param down its value from the new shape, for new-shape writers; null when new-shape writes
   *     do not keep it (then only old-shape writers may write it)
   * @param dropAtContract whether the contract drops it
   */
  public record OldColumn(String name, String down, boolean dropAtContract) {
    public OldColumn {
      Objects.requireNonNull(name, "name");
    }
  }

  /** Whether new-shape writes fill any old column. */
  public boolean hasDown() {
    return oldColumns.stream().anyMatch(c -> c.down() != null);
  }

  /** The old columns that have a {@code down}. */
  public List<OldColumn> downColumns() {
    return oldColumns.stream().filter(c -> c.down() != null).toList();
  }

  /** The old columns the contract drops. */
  public List<String> dropped() {
    return oldColumns.stream().filter(OldColumn::dropAtContract).map(OldColumn::name).toList();
  }
}
