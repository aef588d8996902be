package dev.underway.activities.sql.schema;

import dev.underway.activities.schema.NewColumn;
import dev.underway.activities.schema.OldColumn;
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
 */
public record SyncColumns(List<Typed> variables, List<String> oldSide, List<String> newSide,
    boolean oldSideDefaults, boolean newSideDefaults) {

  /** A column and its type as {@code format_type} prints it. */
  public record Typed(String name, String type) {}

  public SyncColumns {
    variables = List.copyOf(variables);
    oldSide = List.copyOf(oldSide);
    newSide = List.copyOf(newSide);
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
        anyDefault(cat, newSide));
  }

  private static boolean anyDefault(TableCatalogue cat, List<String> columns) {
    return columns.stream().anyMatch(n -> cat.column(n)
        .map(col -> col.defaultExpression() != null).orElse(false));
  }
}
