package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The columns the sync trigger works with, read from the database when it is built: the columns
 * the {@code up} and {@code down} expressions read (declared in the function with their types,
 * and nothing else, so that dropping an unrelated column never breaks it), and the two sides a
 * write can name.
 *
 * @param variables the columns the expressions read, with their types, in the table's order
 * @param oldSide the old shape's columns: the replaced columns, or for a change that replaces
 *     none, the columns its {@code up} reads
 * @param newSide the new columns
 * @param oldSideDefaults whether an old-side column has a default (an INSERT then always gives
 *     it, so giving it says nothing about the writer)
 * @param newSideDefaults the same for the new side
 * @param downOfNulls for a change with a {@code down} for every replaced column: each replaced
 *     column's value (as text; a null value: NULL) that {@code down} gives when every new column
 *     is NULL; a row whose new columns are all NULL and whose old ones are these was written in
 *     the new shape with NULLs, not left unfilled. Empty otherwise
 */
public record SyncColumns(List<Typed> variables, List<String> oldSide, List<String> newSide,
    boolean oldSideDefaults, boolean newSideDefaults,
    java.util.Map<String, java.util.Optional<String>> downOfNulls) {

  /** A column and its type as {@code format_type} prints it. */
  public record Typed(String name, String type) {}

  public SyncColumns {
    variables = List.copyOf(variables);
    oldSide = List.copyOf(oldSide);
    newSide = List.copyOf(newSide);
    downOfNulls = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(
        downOfNulls));
  }

  /** The columns of {@code spec} on the table (oid {@code oid}) as it is now. */
  public static SyncColumns read(Connection c, ChangeSpec spec, long oid) throws SQLException {
    TableCatalogue cat = TableCatalogue.read(c, oid);
    List<String> ups = ExpressionColumns.of(c, spec.table(), oid,
        spec.add().stream().map(NewColumn::up).toList());
    List<String> downs = ExpressionColumns.of(c, spec.table(), oid,
        spec.downColumns().stream().map(OldColumn::down).toList());
    Set<String> read = new LinkedHashSet<>(ups);
    read.addAll(downs);
    List<Typed> variables = new ArrayList<>();
    for (TableCatalogue.Column col : cat.columns()) {
      if (read.contains(col.name())) {
        variables.add(new Typed(col.name(), col.type()));
      }
    }
    List<String> oldSide = spec.replace().isEmpty() ? ups : spec.dropped();
    List<String> newSide = spec.add().stream().map(NewColumn::name).toList();
    return new SyncColumns(variables, oldSide, newSide, anyDefault(cat, oldSide),
        anyDefault(cat, newSide), downOfNulls(c, spec, cat));
  }

  /** See {@link #downOfNulls()}: down evaluated over NULL new columns, in a subquery. */
  private static java.util.Map<String, java.util.Optional<String>> downOfNulls(Connection c,
      ChangeSpec spec, TableCatalogue cat) throws SQLException {
    java.util.Map<String, java.util.Optional<String>> out = new java.util.LinkedHashMap<>();
    if (spec.replace().isEmpty() || spec.downColumns().size() != spec.replace().size()) {
      return out;
    }
    List<String> nulls = new ArrayList<>();
    for (NewColumn n : spec.add()) {
      String type = cat.column(n.name()).map(TableCatalogue.Column::type).orElse(n.type());
      nulls.add("NULL::" + type + " AS " + dev.underway.activities.sql.SqlQuoting.identifier(
          n.name()));
    }
    boolean autoCommit = c.getAutoCommit();
    java.sql.Savepoint sp = autoCommit ? null : c.setSavepoint();
    try (java.sql.Statement s = c.createStatement()) {
      for (OldColumn o : spec.downColumns()) {
        try (java.sql.ResultSet rs = s.executeQuery("SELECT ((" + o.down() + "))::text FROM"
            + " (SELECT " + String.join(", ", nulls) + ") AS underway_nulls")) {
          rs.next();
          out.put(o.name(), java.util.Optional.ofNullable(rs.getString(1)));
        }
      }
      if (sp != null) {
        c.releaseSavepoint(sp);
      }
      return out;
    } catch (SQLException e) {
      // a down that fails on NULLs: no row written with NULLs can exist, nothing to tell apart
      if (sp != null) {
        c.rollback(sp);
      }
      return java.util.Map.of();
    }
  }

  /**
   * SQL that is true when a row's old columns are what {@code down} gives for NULL new
   * columns ({@code prefix}: the row's alias, e.g. {@code OLD.} or {@code t.}); null when there
   * is no such relation (see {@link #downOfNulls()}).
   */
  public String writtenWithNulls(String prefix) {
    if (downOfNulls.isEmpty()) {
      return null;
    }
    List<String> same = new ArrayList<>();
    downOfNulls.forEach((column, value) -> same.add("(" + prefix
        + dev.underway.activities.sql.SqlQuoting.identifier(column) + ")::text IS NOT DISTINCT"
        + " FROM " + value.map(SyncColumns::dollarQuoted).orElse("NULL")));
    return "(" + String.join(" AND ", same) + ")";
  }

  private static String dollarQuoted(String text) {
    String tag = "$underway_v$";
    int n = 0;
    while (text.contains(tag)) {
      tag = "$underway_v" + (++n) + "$";
    }
    return tag + text + tag;
  }

  private static boolean anyDefault(TableCatalogue cat, List<String> columns) {
    return columns.stream().anyMatch(n -> cat.column(n)
        .map(col -> col.defaultExpression() != null).orElse(false));
  }
}
