package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The flags an application reads, in {@code public.underway_flags (key, value, updated_at)}: one
 * row per flag, the value {@code true} or {@code false}. The read contract: an application reads
 * {@code value} by {@code key} (once a second, or per request), and an absent row means the old
 * behaviour. Keys of a table's change start with {@code schema-change:<schema>.<table>:}:
 *
 * <ul>
 *   <li>{@code read-new}: read the new shape ({@code false} until the read switch; {@code revert},
 *       the killswitch, sets it back to {@code false} at once);
 *   <li>{@code write-old}: keep writing the old shape ({@code true} until "stop old writes").
 * </ul>
 *
 * <p>The backfill's control rows live beside them ({@link BackfillControl#fromFlags}).
 */
public final class Flags {
  private Flags() {}

  public static final String READ_NEW = "read-new";
  public static final String WRITE_OLD = "write-old";

  /** The key of a table's flag. */
  public static String key(TableName table, String flag) {
    return prefix(table) + flag;
  }

  static String prefix(TableName table) {
    return "schema-change:" + table + ":";
  }

  /** Sets a flag (no-op when it already has the value; the table is created if missing). */
  public static void set(Connection c, TableName table, String flag, String value)
      throws SQLException {
    if (!exists(c)) {
      try (Statement s = c.createStatement()) {
        s.execute(PostgresSchemaDialect.CREATE_FLAGS_TABLE);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.SET_FLAG)) {
      ps.setString(1, key(table, flag));
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  /** Sets a flag only if it has no row yet (in the caller's transaction). */
  static void init(Connection c, TableName table, String flag, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.INIT_FLAG)) {
      ps.setString(1, key(table, flag));
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  /** A flag's value, if set (no table: not set). */
  public static Optional<String> get(Connection c, String key) throws SQLException {
    if (!exists(c)) {
      return Optional.empty();
    }
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.GET_FLAG)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static boolean exists(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(PostgresSchemaDialect.FLAGS_EXIST)) {
      rs.next();
      return rs.getString(1) != null;
    }
  }

  /** Removes every row of the table's change (flags and control rows). */
  static void deleteAll(Connection c, TableName table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.DELETE_FLAGS)) {
      ps.setString(1, prefix(table).replace("\\", "\\\\").replace("%", "\\%")
          .replace("_", "\\_") + "%");
      ps.executeUpdate();
    }
  }

  /** The read switch: the application reads the new shape. */
  public static void switchReads(Connection c, TableName table) throws SQLException {
    set(c, table, READ_NEW, "true");
  }

  /** The killswitch: the application reads the old shape again, at once. */
  public static void revertReads(Connection c, TableName table) throws SQLException {
    set(c, table, READ_NEW, "false");
  }

  /** The application stops writing the old shape. */
  public static void stopOldWrites(Connection c, TableName table) throws SQLException {
    set(c, table, WRITE_OLD, "false");
  }

  /** The application writes the old shape again. */
  public static void resumeOldWrites(Connection c, TableName table) throws SQLException {
    set(c, table, WRITE_OLD, "true");
  }
}
