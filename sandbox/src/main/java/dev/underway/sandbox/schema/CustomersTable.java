package dev.underway.sandbox.schema;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.TableChange;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema-change scenario's table and its change: {@code customers (id bigint PRIMARY KEY,
 * first_name text, last_name text)}, every 50th last name NULL, and the documented {@code
 * ADD_COLUMN} {@code full_name = concat_ws(' ', first_name, last_name)}.
 */
public final class CustomersTable {
  private CustomersTable() {}

  public static final String TABLE = "customers";
  public static final String NEW_COLUMN = "full_name";
  /** The change's {@code up}, over the old row. */
  public static final String UP = "concat_ws(' ', first_name, last_name)";

  public static final TableChange CHANGE = new TableChange(null, TABLE, null,
      ChangeKind.ADD_COLUMN, List.of(new NewColumn(NEW_COLUMN, "text", UP)), List.of());

  /** The table with {@code rows} rows, ids 1 to rows, analyzed. */
  public static void create(Connection c, int rows) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, first_name text NOT NULL,"
          + " last_name text)");
      s.execute("INSERT INTO " + TABLE + " SELECT g, 'first-' || g, CASE WHEN g % 50 = 0 THEN"
          + " NULL ELSE 'last-' || (g % 997) END FROM generate_series(1, " + rows + ") g");
      s.execute("ANALYZE " + TABLE);
    }
  }

  /**
   * The end check, at the database and apart from the runbook's verify: every row's {@code
   * full_name} equals {@code up} of its names.
   */
  public record Checked(long rows, long mismatches, boolean columnExists) {}

  public static Checked check(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.columns"
          + " WHERE table_schema = 'public' AND table_name = '" + TABLE + "' AND column_name = '"
          + NEW_COLUMN + "'")) {
        rs.next();
        if (rs.getLong(1) == 0) {
          try (ResultSet n = s.executeQuery("SELECT count(*) FROM " + TABLE)) {
            n.next();
            return new Checked(n.getLong(1), 0, false);
          }
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE " + NEW_COLUMN
          + " IS DISTINCT FROM " + UP + ") FROM " + TABLE)) {
        rs.next();
        return new Checked(rs.getLong(1), rs.getLong(2), true);
      }
    }
  }
}
