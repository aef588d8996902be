package dev.underway.workflows.schema;

import static dev.underway.targets.TargetPatterns.SQL_NAME;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableChange;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the change a schema change request asks for, as written: its table, its new and
 * replaced columns with their types and expressions, the shape its kind allows, its version tag.
 * Part of {@link RequestValidation}; what only the database can judge is the planner's.
 */
final class ChangeValidation {
  private ChangeValidation() {}

  /**
   * The type pattern of runs started before {@link RequestValidation#problems(SchemaChangeRequest,
   * boolean)}'s strict checks (it let column clauses through): kept so that their histories
   * replay.
   */
  static final Pattern LEGACY_SQL_TYPE =
      Pattern.compile("[a-z][a-z0-9_ ]*(\\([0-9, ]+\\))?(\\[\\])?");
  private static final Pattern ANY = Pattern.compile("(?s).*");

  /** Adds to {@code p} every problem of {@code c}. */
  static void check(TableChange c, RequestProblems p) {
    if (c == null) {
      p.add("change is missing: name the table, the kind of change and its columns");
      return;
    }
    p.unknown("change", c.unknownFields());
    p.optional("change.schema", c.schema(), SQL_NAME, "a SQL schema name");
    if (p.strict && c.schema() != null) {
      p.addIfAny(SqlInputChecks.systemSchemaProblem(c.schema()));
    }
    p.required("change.table", c.table(), SQL_NAME, "a SQL table name");
    p.optional("change.uniqueKey", c.uniqueKey(), SQL_NAME,
        "a unique index or constraint name (leave it out for the primary key)");
    if (c.table() != null && c.table().startsWith("underway_")) {
      p.add("change.table '" + c.table() + "' is one of Underway's own tables");
    }
    if (c.kind() == null) {
      p.add("change.kind is missing: one of " + Arrays.toString(ChangeKind.values()));
      return;
    }
    List<NewColumn> add = c.addOrEmpty();
    List<OldColumn> replace = c.replaceOrEmpty();
    Set<String> names = new HashSet<>();
    if (add.isEmpty()) {
      p.add("change.add is empty: name the new column(s), each with name, type and up");
    }
    for (int i = 0; i < add.size(); i++) {
      NewColumn n = add.get(i);
      String where = "change.add[" + i + "]";
      if (n == null) {
        p.add(where + " is empty");
        continue;
      }
      p.required(where + ".name", n.name(), SQL_NAME, "a SQL column name");
      p.required(where + ".type", n.type(), p.strict ? ANY : LEGACY_SQL_TYPE,
          "a SQL type, e.g. bigint or text");
      if (p.strict && n.type() != null && !n.type().isBlank()) {
        p.addIfAny(SqlInputChecks.typeProblem(where + ".type", n.type()));
      }
      if (n.up() == null || n.up().isBlank()) {
        p.add(where + ".up is missing: the SQL expression over the old columns giving its value");
      } else {
        p.expression(where + ".up", n.up());
      }
      if (n.name() != null && !names.add(n.name())) {
        p.add(where + ".name '" + n.name() + "' is named twice");
      }
    }
    for (int i = 0; i < replace.size(); i++) {
      OldColumn o = replace.get(i);
      String where = "change.replace[" + i + "]";
      if (o == null) {
        p.add(where + " is empty");
        continue;
      }
      p.required(where + ".name", o.name(), SQL_NAME, "a SQL column name");
      if (o.down() != null) {
        p.expression(where + ".down", o.down());
      }
      if (o.name() != null && !names.add(o.name())) {
        p.add(where + ".name '" + o.name() + "' is also a new column or named twice");
      }
    }
    switch (c.kind()) {
      case ADD_COLUMN -> {
        if (add.size() != 1) {
          p.add("change.kind ADD_COLUMN adds one column; change.add has " + add.size());
        }
        if (!replace.isEmpty()) {
          p.add("change.kind ADD_COLUMN replaces nothing: leave change.replace out");
        }
      }
      case CHANGE_TYPE, RENAME_COLUMN -> {
        if (add.size() != 1 || replace.size() != 1) {
          p.add("change.kind " + c.kind() + " adds one column and replaces one; change.add has "
              + add.size() + ", change.replace " + replace.size());
        }
      }
      case SPLIT_COLUMN -> {
        if (add.size() < 2 || replace.size() != 1) {
          p.add("change.kind SPLIT_COLUMN adds two or more columns and replaces one;"
              + " change.add has " + add.size() + ", change.replace " + replace.size());
        }
      }
    }
    if (c.versionColumn() != null || c.version() != null) {
      p.required("change.versionColumn", c.versionColumn(), SQL_NAME, "a SQL column name");
      if (c.version() == null || c.version() < 1) {
        p.add("change.version must be a whole number from 1 with change.versionColumn (it is "
            + c.version() + ")");
      }
      if (c.versionColumn() != null && names.contains(c.versionColumn())) {
        p.add("change.versionColumn '" + c.versionColumn() + "' is also a changed column");
      }
    }
  }
}
