package dev.underway.activities.sql.schema;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The unique not-null key the backfill and the verify walk in order: the primary key, or a
 * named unique key whose columns are all NOT NULL (a valid, non-partial index on plain columns).
 *
 * @param index the index that makes it unique
 * @param primary whether it is the primary key
 * @param columns its columns, in the index's order
 * @param types their SQL types (cursor values are cast back to them)
 */
public record TableKey(String index, boolean primary, List<String> columns, List<String> types) {

  public TableKey {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
  }

  /**
   * The key to walk: the primary key when {@code requested} is empty, else the unique key on
   * exactly those columns. Refused (before any change) when there is none.
   */
  public static TableKey resolve(Connection c, TableName table, TableCatalogue catalogue,
      List<String> requested) throws SQLException {
    Optional<TableKey> found = Optional.empty();
    String notNullProblem = null;
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.UNIQUE_KEYS)) {
      ps.setLong(1, catalogue.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && found.isEmpty()) {
          boolean primary = rs.getBoolean(2);
          List<String> cols = strings(rs.getArray(3));
          boolean allNotNull = rs.getBoolean(4);
          boolean wanted = requested.isEmpty() ? primary : cols.equals(requested);
          if (!wanted) {
            continue;
          }
          if (!allNotNull) {
            notNullProblem = "a column of unique index " + rs.getString(1) + " allows NULL";
            continue;
          }
          List<String> types = new ArrayList<>();
          for (String col : cols) {
            types.add(catalogue.column(col).orElseThrow().type());
          }
          found = Optional.of(new TableKey(rs.getString(1), primary, cols, types));
        }
      }
    }
    if (found.isPresent()) {
      return found.get();
    }
    if (requested.isEmpty()) {
      throw SchemaRefusals.noPrimaryKey(table);
    }
    for (String col : requested) {
      if (catalogue.column(col).isEmpty()) {
        throw SchemaRefusals.unknownColumn(table, col);
      }
    }
    throw SchemaRefusals.noUsableKey(table, requested, notNullProblem != null ? notNullProblem
        : "no valid unique index on exactly these columns, in this order");
  }

  private static List<String> strings(Array array) throws SQLException {
    return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
  }
}
