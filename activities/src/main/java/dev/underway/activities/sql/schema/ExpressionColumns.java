package dev.underway.activities.sql.schema;

import dev.underway.activities.sql.SqlQuoting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of a table's columns a set of SQL expressions reads, as PostgreSQL resolves them (no
 * parsing of our own): the expressions are made the select list of a temporary view over the
 * table, and the view's dependencies on the table's columns ({@code pg_depend}) are read, in a
 * transaction (or savepoint) that is rolled back. The sync trigger declares only these columns,
 * and its {@code UPDATE OF} lists name them.
 */
public final class ExpressionColumns {
  private ExpressionColumns() {}

  /** The columns of the view's rule's dependencies on the table, by attribute number order. */
  static final String VIEW_COLUMNS = """
      SELECT a.attname FROM pg_rewrite r
      JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE r.ev_class = 'pg_temp.underway_columns_probe'::regclass
        AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ? AND d.refobjsubid > 0
      GROUP BY a.attname, a.attnum ORDER BY a.attnum""";

  /**
   * The columns of {@code table} (oid {@code oid}) that {@code expressions} read, in the table's
   * order. Nothing is left behind: the view is created and dropped under a savepoint (or a
   * transaction) rolled back. An expression that does not parse raises the server's error.
   */
  public static List<String> of(Connection c, TableName table, long oid, List<String> expressions)
      throws SQLException {
    if (expressions.isEmpty()) {
      return List.of();
    }
    List<String> select = new ArrayList<>();
    for (int i = 0; i < expressions.size(); i++) {
      select.add("(" + expressions.get(i) + ") AS e" + i);
    }
    String view = "CREATE TEMP VIEW underway_columns_probe AS SELECT " + String.join(", ", select)
        + " FROM " + table.qualified();
    boolean autoCommit = c.getAutoCommit();
    if (autoCommit) {
      c.setAutoCommit(false);
    }
    Savepoint sp = autoCommit ? null : c.setSavepoint();
    try (Statement s = c.createStatement()) {
      s.execute(view);
      Set<String> out = new LinkedHashSet<>();
      try (PreparedStatement ps = c.prepareStatement(VIEW_COLUMNS)) {
        ps.setLong(1, oid);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return List.copyOf(out);
    } finally {
      if (sp != null) {
        c.rollback(sp);
      } else {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
  }

  /** {@code "a", "b"}: the columns quoted, for an {@code UPDATE OF} list. */
  static String quoted(List<String> columns) {
    return String.join(", ", columns.stream().map(SqlQuoting::identifier).toList());
  }
}
