package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableChange;
import java.util.List;
import java.util.Objects;

/**
 * A {@link TableChange} as the SQL building blocks use it: the table by schema and name, the
 * names of what the change creates ({@link ChangeObjects}), and the columns.
 *
 * <p>Expressions are SQL over the row's columns by their plain (unqualified) names, e.g. {@code
 * first_name || ' ' || last_name}; they run in the sync trigger (where each column is a PL/pgSQL
 * variable of the same name), in the verify query and in the preflight's probe.
 *
 * @param table the table changed
 * @param uniqueKey the unique index or constraint the batches walk; null: the primary key
 * @param add the columns expand adds (each with its {@code up})
 * @param replace the old shape's columns, dropped at the contract (each with an optional {@code
 *     down}, the value new-shape writes give it)
 * @param versionColumn the per-row version tag, or null
 * @param version the version the backfill and the trigger set
 * @param names the trigger, its function and the flags' keys
 * @param change the change as the request gave it (for what only the refusals read, e.g. {@code
 *     subscribersChangedFirst}); null when built without one
 */
public record ChangeSpec(
    TableName table,
    String uniqueKey,
    List<NewColumn> add,
    List<OldColumn> replace,
    String versionColumn,
    Integer version,
    ChangeObjects names,
    TableChange change) {

  public ChangeSpec {
    Objects.requireNonNull(table, "table");
    add = List.copyOf(Objects.requireNonNull(add, "add"));
    replace = replace == null ? List.of() : List.copyOf(replace);
    if (add.isEmpty()) {
      throw new IllegalArgumentException("a change adds at least one column");
    }
    if (versionColumn != null && version == null) {
      throw new IllegalArgumentException("a version column needs a version");
    }
  }

  public ChangeSpec(TableName table, String uniqueKey, List<NewColumn> add,
      List<OldColumn> replace, String versionColumn, Integer version, ChangeObjects names) {
    this(table, uniqueKey, add, replace, versionColumn, version, names, null);
  }

  public static ChangeSpec of(TableChange change) {
    String uniqueKey = change.uniqueKey() == null || change.uniqueKey().isBlank() ? null
        : change.uniqueKey();
    String version = change.versionColumn() == null || change.versionColumn().isBlank() ? null
        : change.versionColumn();
    return new ChangeSpec(new TableName(change.schemaOrDefault(), change.table()), uniqueKey,
        change.addOrEmpty(), change.replaceOrEmpty(), version, change.version(),
        ChangeObjects.of(change), change);
  }

  /** Which documented change; null when built without the request's change. */
  public ChangeKind kind() {
    return change == null ? null : change.kind();
  }

  /** Whether new-shape writes fill any old column. */
  public boolean hasDown() {
    return !downColumns().isEmpty();
  }

  /** The old columns that have a {@code down}. */
  public List<OldColumn> downColumns() {
    return replace.stream().filter(c -> c.down() != null && !c.down().isBlank()).toList();
  }

  /** The columns the expand adds: the new ones and, when asked, the version column. */
  public List<String> addedColumns() {
    List<String> out = new java.util.ArrayList<>(add.stream().map(NewColumn::name).toList());
    if (versionColumn != null) {
      out.add(versionColumn);
    }
    return out;
  }

  /** The columns the contract drops. */
  public List<String> dropped() {
    return replace.stream().map(OldColumn::name).toList();
  }
}
