package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the writers meant, row by row: the last write of each row, its shape and its values. An
 * old-shape write means its old values (the new ones are their {@code up}), a new-shape write its
 * new values (the old ones their {@code down}; an added column's names stay as they were), a
 * write of both shapes both as written. The derived side is computed by PostgreSQL with the
 * change's own expressions, so the model and the trigger read them alike. {@link #assertTable}
 * compares the table with the model in one statement: every row right, none missing, none more.
 */
final class MeantRows {

  /** A row's last write: either side may be null (derived from the other). */
  record Meant(List<String> old, List<String> neu, String note, String by) {}

  private final MatrixKind kind;
  private final Map<Long, Meant> rows = Collections.synchronizedMap(new TreeMap<>());

  MeantRows(MatrixKind kind) {
    this.kind = kind;
  }

  /** Creates {@code table} of {@code kind} with {@code rows} old-shape rows, and their model. */
  static MeantRows populate(Connection c, MatrixKind kind, String table, int rows)
      throws SQLException {
    MeantRows model = new MeantRows(kind);
    try (Statement s = c.createStatement()) {
      s.execute(kind.createTable(table));
    }
    String insert = "INSERT INTO " + table + " VALUES (?, " + kind.oldSide().stream()
        .map(col -> "CAST(? AS " + col.type() + ")").collect(Collectors.joining(", "))
        + ", ?)";
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (int id = 1; id <= rows; id++) {
        List<String> values = kind.oldValues(-id);
        ps.setLong(1, id);
        for (int i = 0; i < values.size(); i++) {
          ps.setString(2 + i, values.get(i));
        }
        ps.setString(2 + values.size(), "n" + id);
        ps.addBatch();
        model.old(id, values, "the initial rows");
        model.note(id, "n" + id);
      }
      ps.executeBatch();
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
    try (Statement s = c.createStatement()) {
      s.execute("ANALYZE " + table);
    }
    return model;
  }

  void old(long id, List<String> values, String by) {
    rows.put(id, new Meant(values, null, note(id), by));
  }

  void neu(long id, List<String> values, String by) {
    Meant prev = rows.get(id);
    List<String> old = kind.hasDown() ? null : prev.old();
    rows.put(id, new Meant(old, values, note(id), by));
  }

  void both(long id, List<String> old, List<String> neu, String by) {
    rows.put(id, new Meant(old, neu, note(id), by));
  }

  void note(long id, String note) {
    Meant m = rows.get(id);
    rows.put(id, new Meant(m.old(), m.neu(), note, m.by()));
  }

  private String note(long id) {
    Meant m = rows.get(id);
    return m == null ? null : m.note();
  }

  List<Long> ids() {
    synchronized (rows) {
      return new ArrayList<>(rows.keySet());
    }
  }

  Meant get(long id) {
    return rows.get(id);
  }

  /** The row's meant old side, computed through {@code down} where it was written new. */
  List<String> old(Connection c, long id) throws SQLException {
    Meant m = rows.get(id);
    return m.old() != null ? m.old() : derive(c, kind.newSide(), m.neu(),
        kind.replace().stream().map(o -> cast(o.down(), type(kind.oldSide(), o.name()))).toList());
  }

  /** The row's meant new side, computed through {@code up} where it was written old. */
  List<String> neu(Connection c, long id) throws SQLException {
    Meant m = rows.get(id);
    return m.neu() != null ? m.neu() : derive(c, kind.oldSide(), m.old(),
        kind.add().stream().map(n -> cast(n.up(), n.type())).toList());
  }

  private static List<String> derive(Connection c, List<MatrixKind.Col> from, List<String> values,
      List<String> expressions) throws SQLException {
    String row = from.stream().map(col -> "CAST(? AS " + col.type() + ") AS " + col.name())
        .collect(Collectors.joining(", "));
    String sql = "SELECT " + expressions.stream().map(e -> e + "::text")
        .collect(Collectors.joining(", ")) + " FROM (SELECT " + row + ") AS r";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < values.size(); i++) {
        ps.setString(i + 1, values.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= expressions.size(); i++) {
          out.add(rs.getString(i));
        }
        return out;
      }
    }
  }

  /**
   * Every row of {@code table} holds what its last writer meant on the side that stays: after a
   * contract the new columns (and an added column's names), after a rollback the old ones; the
   * note too; no row missing and no row more.
   */
  void assertTable(Connection c, String table, boolean contracted) throws SQLException {
    List<String> compared = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    if (!contracted || !kind.replaces()) {
      for (MatrixKind.Col col : kind.oldSide()) {
        compared.add(col.name());
        String down = kind.replace().stream().filter(o -> o.name().equals(col.name()))
            .map(OldColumn::down).findFirst().orElse(null);
        expected.add(down == null ? col.name() : "CASE WHEN old_known THEN " + col.name()
            + " ELSE " + cast(down, col.type()) + " END");
      }
    }
    if (contracted) {
      for (NewColumn n : kind.add()) {
        compared.add(n.name());
        expected.add("CASE WHEN new_known THEN " + n.name() + " ELSE " + cast(n.up(), n.type())
            + " END");
      }
    }
    compared.add("note");
    expected.add("note");
    String meant = load(c, table);
    List<String> select = new ArrayList<>();
    for (int i = 0; i < compared.size(); i++) {
      select.add(expected.get(i) + " AS " + compared.get(i));
    }
    String selected = String.join(", ", select);
    String sql = "SELECT coalesce(m.id, t.id), m.written_by, " + text("m", compared) + ", "
        + text("t", compared) + " FROM (SELECT id, written_by, " + selected
        + " FROM " + meant + ") m FULL JOIN " + table + " t ON t.id = m.id WHERE m.id IS NULL"
        + " OR t.id IS NULL OR ROW(" + prefixed("m", compared) + ") IS DISTINCT FROM ROW("
        + prefixed("t", compared) + ") ORDER BY 1";
    List<String> wrong = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        wrong.add("id " + rs.getLong(1) + " (last written by " + rs.getString(2) + "): meant "
            + rs.getString(3) + ", the table has " + rs.getString(4));
      }
      s.execute("DROP TABLE " + meant);
    }
    assertThat(wrong).as("rows of %s not as their last writer meant (columns %s), of %d",
        table, compared, rows.size()).isEmpty();
  }

  /** The model in a temporary table of the table's types, named after the columns. */
  private String load(Connection c, String table) throws SQLException {
    String meant = "meant_" + table;
    List<MatrixKind.Col> cols = new ArrayList<>(kind.oldSide());
    cols.addAll(kind.newSide());
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE " + meant + " (id bigint, " + cols.stream()
          .map(col -> col.name() + " " + col.type()).collect(Collectors.joining(", "))
          + ", note text, old_known boolean, new_known boolean, written_by text)");
    }
    String insert = "INSERT INTO " + meant + " VALUES (?, " + cols.stream()
        .map(col -> "CAST(? AS " + col.type() + ")").collect(Collectors.joining(", "))
        + ", ?, ?, ?, ?)";
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      synchronized (rows) {
        for (var e : rows.entrySet()) {
          Meant m = e.getValue();
          int i = 1;
          ps.setLong(i++, e.getKey());
          for (int k = 0; k < kind.oldSide().size(); k++) {
            ps.setString(i++, m.old() == null ? null : m.old().get(k));
          }
          for (int k = 0; k < kind.newSide().size(); k++) {
            ps.setString(i++, m.neu() == null ? null : m.neu().get(k));
          }
          ps.setString(i++, m.note());
          ps.setBoolean(i++, m.old() != null);
          ps.setBoolean(i++, m.neu() != null);
          ps.setString(i, m.by());
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
    return meant;
  }

  private static String cast(String expression, String type) {
    return "CAST((" + expression + ") AS " + type + ")";
  }

  private static String type(List<MatrixKind.Col> cols, String name) {
    return cols.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().type();
  }

  private static String text(String alias, List<String> cols) {
    return "concat_ws('|', " + cols.stream().map(c -> "coalesce(" + alias + "." + c
        + "::text, '∅')").collect(Collectors.joining(", ")) + ")";
  }

  private static String prefixed(String alias, List<String> cols) {
    return cols.stream().map(c -> alias + "." + c).collect(Collectors.joining(", "));
  }
}
