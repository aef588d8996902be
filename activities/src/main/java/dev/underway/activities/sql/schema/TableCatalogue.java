package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A table's description in the catalogue, as {@code \d} would show it: columns (name, type, NOT
 * NULL, default) in order, indexes, constraints and (user) triggers with their definitions. A
 * rollback leaves it equal to what it was before the expand.
 */
public record TableCatalogue(
    long oid, List<Column> columns, List<Named> indexes, List<Named> constraints,
    List<Named> triggers) {

  public record Column(String name, String type, boolean notNull, String defaultExpression) {}

  /** An object and its definition. */
  public record Named(String name, String definition) {}

  public TableCatalogue {
    columns = List.copyOf(columns);
    indexes = List.copyOf(indexes);
    constraints = List.copyOf(constraints);
    triggers = List.copyOf(triggers);
  }

  /** The description of the table with this oid. */
  public static TableCatalogue read(Connection c, long oid) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.COLUMNS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3),
              rs.getString(4)));
        }
      }
    }
    return new TableCatalogue(oid, columns, named(c, PostgresSchemaDialect.INDEXES, oid),
        named(c, PostgresSchemaDialect.CONSTRAINTS, oid),
        named(c, PostgresSchemaDialect.TRIGGERS, oid));
  }

  /**
   * The description as canonical text, one line per object in a stable order: equal texts mean
   * the same shape (the oid is left out: it is the same table).
   */
  public String text() {
    StringBuilder b = new StringBuilder();
    columns.forEach(col -> b.append("column ").append(col.name()).append(' ').append(col.type())
        .append(col.notNull() ? " NOT NULL" : "")
        .append(col.defaultExpression() == null ? "" : " DEFAULT " + col.defaultExpression())
        .append('\n'));
    constraints.forEach(n -> b.append("constraint ").append(n.name()).append(' ')
        .append(n.definition()).append('\n'));
    indexes.forEach(n -> b.append("index ").append(n.definition()).append('\n'));
    triggers.forEach(n -> b.append("trigger ").append(n.definition()).append('\n'));
    return b.toString();
  }

  /** The column named so, if any. */
  public java.util.Optional<Column> column(String name) {
    return columns.stream().filter(col -> col.name().equals(name)).findFirst();
  }

  private static List<Named> named(Connection c, String sql, long oid) throws SQLException {
    List<Named> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Named(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }
}
