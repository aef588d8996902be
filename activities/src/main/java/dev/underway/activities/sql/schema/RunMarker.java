package dev.underway.activities.sql.schema;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The table's row in {@code underway_schema_changes} (in the table's schema): the durable
 * one-run-per-table marker (who holds the table), the columns the holder added (an undo drops
 * only those), and the backfill's control row (throttle, batch size, the guard's ratio) and
 * progress. Expand claims
 * it, undo and contract delete it.
 */
public final class RunMarker {
  private RunMarker() {}

  /** The row. */
  public record Row(String holder, List<String> addedColumns, boolean throttled, String reason,
      Integer batchSize, String progressJson, Double ratio) {
    public Row {
      addedColumns = List.copyOf(addedColumns);
    }

    public boolean heldBy(String owner) {
      return holder.equals(owner);
    }

    /** The operator's control of the backfill as the row holds it. */
    public dev.underway.workflows.schema.contract.BackfillControl control() {
      return new dev.underway.workflows.schema.contract.BackfillControl(throttled, reason,
          batchSize, ratio);
    }
  }

  /** The table's row, if the marker table and the row exist; reads only. */
  public static Optional<Row> read(Connection c, TableName table) throws SQLException {
    if (!exists(c, PostgresSchemaDialect.changesTable(table))) {
      return Optional.empty();
    }
    return select(c, table, false);
  }

  /** Creates the marker and flags tables in the table's schema if missing. */
  public static void ensureTables(Connection c, TableName table) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (!exists(c, PostgresSchemaDialect.changesTable(table))) {
        s.execute(PostgresSchemaDialect.createChangesTable(table));
      }
      if (!exists(c, PostgresSchemaDialect.flagsTable(table))) {
        s.execute(PostgresSchemaDialect.createFlagsTable(table));
      }
    }
  }

  /** A claim: the row as it is now, and whether this claim created it. */
  record Claim(Row row, boolean fresh) {}

  /**
   * In the caller's transaction: claims the table for {@code owner} when nobody holds it, and
   * returns the row as it is now, locked to the end of the transaction (another holder's row is
   * returned unchanged, for the caller to refuse), and whether it was claimed just now.
   */
  static Claim claim(Connection c, TableName table, String owner) throws SQLException {
    int inserted;
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.claimMarker(table))) {
      ps.setString(1, table.toString());
      ps.setString(2, owner);
      inserted = ps.executeUpdate();
    }
    return new Claim(select(c, table, true).orElseThrow(), inserted > 0);
  }

  /**
   * In the caller's transaction: drops the marker table when no change holds a row in it any
   * more (the bookkeeping a change created goes with it). Locks it first, so that a claim of
   * another table waits and then retries on a table it creates again.
   */
  static void dropIfEmpty(Connection c, TableName table) throws SQLException {
    if (!exists(c, PostgresSchemaDialect.changesTable(table))) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE " + PostgresSchemaDialect.changesTable(table)
          + " IN ACCESS EXCLUSIVE MODE");
      try (ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM "
          + PostgresSchemaDialect.changesTable(table) + ")")) {
        rs.next();
        if (rs.getBoolean(1)) {
          s.execute("DROP TABLE " + PostgresSchemaDialect.changesTable(table));
        }
      }
    }
  }

  /** In the caller's transaction: the row, locked, if any. */
  static Optional<Row> lock(Connection c, TableName table) throws SQLException {
    return select(c, table, true);
  }

  static void setAddedColumns(Connection c, TableName table, List<String> columns)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        PostgresSchemaDialect.setAddedColumns(table))) {
      ps.setArray(1, c.createArrayOf("text", columns.toArray()));
      ps.setString(2, table.toString());
      ps.executeUpdate();
    }
  }

  /** Releases the table (the holder's row deleted). */
  static void release(Connection c, TableName table, String owner) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.deleteMarker(table))) {
      ps.setString(1, table.toString());
      ps.setString(2, owner);
      ps.executeUpdate();
    }
  }

  /** Whether a relation exists, by its quoted qualified name. */
  static boolean exists(Connection c, String qualified) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.REGCLASS)) {
      ps.setString(1, qualified);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1) != null;
      }
    }
  }

  private static Optional<Row> select(Connection c, TableName table, boolean forUpdate)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        PostgresSchemaDialect.readMarker(table, forUpdate))) {
      ps.setString(1, table.toString());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Integer batch = (Integer) rs.getObject(5);
        Double ratio = rs.getObject(7) == null ? null : rs.getDouble(7);
        return Optional.of(new Row(rs.getString(1), strings(rs.getArray(2)), rs.getBoolean(3),
            rs.getString(4), batch, rs.getString(6), ratio));
      }
    }
  }

  static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of()
        : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
  }
}
