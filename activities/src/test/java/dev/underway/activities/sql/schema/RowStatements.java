package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/**
 * The statements the matrix's writers send for a table of one {@link MatrixKind}: values bound
 * as text and cast to the column's type, so that every kind's values travel alike.
 */
final class RowStatements {

  private final Connection c;
  private final MatrixKind kind;
  private final String table;

  RowStatements(Connection c, MatrixKind kind, String table) {
    this.c = c;
    this.kind = kind;
    this.table = table;
  }

  /** {@code UPDATE … SET} exactly {@code names}; the rows updated. */
  int update(List<String> names, List<String> values, long id) throws SQLException {
    String sql = "UPDATE " + table + " SET " + names.stream()
        .map(x -> x + " = CAST(? AS " + type(x) + ")").collect(Collectors.joining(", "))
        + " WHERE id = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, 1, values);
      ps.setLong(values.size() + 1, id);
      return ps.executeUpdate();
    }
  }

  /** {@code INSERT} of the id, exactly {@code names}, and the note. */
  void insert(List<String> names, List<String> values, long id, String note)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, "
        + String.join(", ", names) + ", note) VALUES (?, " + casts(names) + ", ?)")) {
      ps.setLong(1, id);
      bind(ps, 2, values);
      ps.setString(values.size() + 2, note);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  /** {@code INSERT … ON CONFLICT (id) DO UPDATE SET} every column given to the excluded one. */
  void upsert(List<String> names, List<String> values, long id, String note)
      throws SQLException {
    String sql = "INSERT INTO " + table + " (id, " + String.join(", ", names) + ", note) VALUES"
        + " (?, " + casts(names) + ", ?) ON CONFLICT (id) DO UPDATE SET " + names.stream()
        .map(x -> x + " = excluded." + x).collect(Collectors.joining(", "))
        + ", note = excluded.note";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, id);
      bind(ps, 2, values);
      ps.setString(values.size() + 2, note);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  /** COPY of rows (id, {@code names}' values, note) in CSV through pgjdbc's CopyManager. */
  void copy(List<String> names, List<List<String>> rows) throws SQLException {
    StringBuilder csv = new StringBuilder();
    for (List<String> row : rows) {
      csv.append(row.stream().map(RowStatements::csv).collect(Collectors.joining(",")))
          .append('\n');
    }
    try {
      long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (id, "
          + String.join(", ", names) + ", note) FROM STDIN (FORMAT csv)",
          new StringReader(csv.toString()));
      assertThat(copied).isEqualTo(rows.size());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The row's columns as text. */
  List<String> read(List<String> names, long id) throws SQLException {
    Optional<List<String>> row = find(names, id);
    assertThat(row).as("row %d of %s", id, table).isPresent();
    return row.get();
  }

  /** The row's columns as text, if the row is there. */
  Optional<List<String>> find(List<String> names, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + names.stream()
        .map(x -> x + "::text").collect(Collectors.joining(", ")) + " FROM " + table
        + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= names.size(); i++) {
          out.add(rs.getString(i));
        }
        return Optional.of(out);
      }
    }
  }

  private String casts(List<String> names) {
    return names.stream().map(x -> "CAST(? AS " + type(x) + ")")
        .collect(Collectors.joining(", "));
  }

  private String type(String column) {
    if (column.equals("id")) {
      return "bigint";
    }
    if (column.equals("note")) {
      return "text";
    }
    return Stream.concat(kind.oldSide().stream(), kind.newSide().stream())
        .filter(col -> col.name().equals(column)).findFirst().orElseThrow().type();
  }

  private static void bind(PreparedStatement ps, int first, List<String> values)
      throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      ps.setString(first + i, values.get(i));
    }
  }

  /** A CSV field: NULL as nothing, a value quoted. */
  private static String csv(String value) {
    return value == null ? "" : "\"" + value.replace("\"", "\"\"") + "\"";
  }
}
