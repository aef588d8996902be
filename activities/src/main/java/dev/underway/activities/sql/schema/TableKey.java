package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The unique not-null key the backfill and the verify walk in order: the primary key, or a unique
 * index (or the unique constraint it backs) named by the change, valid, non-partial, on plain
 * columns that are all NOT NULL, with each column's type's default operator class (another
 * one's order is not the one {@code ORDER BY} asks for: every batch would read the whole table).
 * A collation of the index's that is not the column's own is kept: the walk orders and compares
 * with it, as the index does.
 *
 * @param name the index's (or constraint's) name
 * @param columns its columns, in the index's order
 * @param types their SQL types (cursor values are cast back to them)
 * @param collations per column, the index's collation (qualified and quoted) when it is not the
 *     column's own, else null
 */
public record TableKey(String name, List<String> columns, List<String> types,
    List<String> collations) {

  public TableKey {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
    collations = collations == null ? null
        : java.util.Collections.unmodifiableList(new ArrayList<>(collations));
  }

  /** A key whose index orders each column by the column's own collation. */
  public TableKey(String name, List<String> columns, List<String> types) {
    this(name, columns, types, null);
  }

  /** The index's collation of column {@code i} when it is not the column's own; else null. */
  public String collation(int i) {
    return collations == null || i >= collations.size() ? null : collations.get(i);
  }

  /** A key, or why there is none usable. */
  public record Found(TableKey key, String problem) {}

  /**
   * The key named {@code uniqueKey} (an index or constraint name; null: the primary key), or why
   * it cannot be walked.
   */
  public static Found find(Connection c, TableCatalogue catalogue, String uniqueKey)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.UNIQUE_KEYS)) {
      ps.setLong(1, catalogue.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String index = rs.getString(1);
          String constraint = rs.getString(3);
          boolean wanted = uniqueKey == null ? rs.getBoolean(2)
              : uniqueKey.equals(index) || uniqueKey.equals(constraint);
          if (!wanted) {
            continue;
          }
          String name = constraint != null ? constraint : index;
          if (!rs.getBoolean(4)) {
            return new Found(null, name + " is partial, on an expression or not valid");
          }
          List<String> cols = RunMarker.strings(rs.getArray(5));
          if (!rs.getBoolean(6)) {
            return new Found(null, name + " is unique but a column of it ("
                + String.join(", ", nullable(catalogue, cols)) + ") is nullable");
          }
          List<String> opclasses = withNulls(rs.getArray(8));
          for (int i = 0; i < cols.size(); i++) {
            if (opclasses.get(i) != null) {
              return new Found(null, name + " orders " + cols.get(i) + " by operator class "
                  + opclasses.get(i) + ", not its type's default: the backfill's ORDER BY "
                  + cols.get(i) + " cannot use it, and every batch would read the whole table;"
                  + " name a key with default operator classes (change.uniqueKey)");
            }
          }
          List<String> types = new ArrayList<>();
          for (String col : cols) {
            types.add(catalogue.column(col).orElseThrow().type());
          }
          return new Found(new TableKey(name, cols, types, collations(rs.getArray(7))),
              null);
        }
      }
    }
    return new Found(null, uniqueKey == null ? "no primary key"
        : "no unique index or constraint named " + uniqueKey);
  }

  /** The key with these columns, types from the catalogue (for a backfill given its columns). */
  public static TableKey of(TableName table, TableCatalogue catalogue, List<String> columns) {
    List<String> types = new ArrayList<>();
    for (String col : columns) {
      types.add(catalogue.column(col).map(TableCatalogue.Column::type).orElseThrow(() ->
          SchemaRefusals.unknownColumn(table, col)));
    }
    return new TableKey(String.join(", ", columns), columns, types);
  }

  /** A text array's elements, nulls kept. */
  private static List<String> withNulls(java.sql.Array array) throws SQLException {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (Object o : (Object[]) array.getArray()) {
        out.add(o == null ? null : o.toString());
      }
    }
    return out;
  }

  /** The collations that differ from the columns' own; null when none does. */
  private static List<String> collations(java.sql.Array array) throws SQLException {
    List<String> out = withNulls(array);
    return out.stream().allMatch(java.util.Objects::isNull) ? null : out;
  }

  private static List<String> nullable(TableCatalogue catalogue, List<String> cols) {
    return cols.stream().filter(col -> catalogue.column(col).map(x -> !x.notNull())
        .orElse(true)).toList();
  }
}
