package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The durable one-run-per-table marker: a row of {@code public.underway_schema_changes} per table
 * (schema, table, run id, state). A run claims the table at its expand; a finished run ({@code
 * contracted} or {@code rolled-back}) leaves its row for the next run to take over; an unfinished
 * one refuses every other run.
 */
public final class RunMarker {
  private RunMarker() {}

  public static final String EXPANDING = "expanding";
  public static final String EXPANDED = "expanded";
  public static final String CONTRACTED = "contracted";
  public static final String ROLLED_BACK = "rolled-back";

  /** A table's marker. */
  public record Marker(String runId, String state) {
    public boolean finished() {
      return CONTRACTED.equals(state) || ROLLED_BACK.equals(state);
    }

    public boolean ownedBy(String run) {
      return runId.equals(run);
    }
  }

  /** The table's marker, if its table and row exist; reads only. */
  public static Marker read(Connection c, TableName table) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(PostgresSchemaDialect.MARKER_EXISTS)) {
      rs.next();
      if (rs.getString(1) == null) {
        return null;
      }
    }
    return select(c, PostgresSchemaDialect.READ_MARKER, table).orElse(null);
  }

  /** Creates the marker and flags tables if missing (own transaction, before the expand's). */
  public static void ensureTables(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(PostgresSchemaDialect.CREATE_MARKER_TABLE);
      s.execute(PostgresSchemaDialect.CREATE_FLAGS_TABLE);
    }
  }

  /**
   * In the caller's transaction: claims the table for {@code runId} and returns the marker as it
   * is now, row-locked to the end of the transaction (another run's unfinished marker is
   * returned unchanged, for the caller to refuse).
   */
  public static Marker claim(Connection c, TableName table, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.CLAIM_MARKER)) {
      ps.setString(1, table.schema());
      ps.setString(2, table.table());
      ps.setString(3, runId);
      ps.executeUpdate();
    }
    return lock(c, table).orElseThrow();
  }

  /** In the caller's transaction: the marker, row-locked, if any. */
  public static Optional<Marker> lock(Connection c, TableName table) throws SQLException {
    return select(c, PostgresSchemaDialect.LOCK_MARKER, table);
  }

  /** In the caller's transaction: sets the state of {@code runId}'s marker. */
  public static void setState(Connection c, TableName table, String runId, String state)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.SET_MARKER_STATE)) {
      ps.setString(1, state);
      ps.setString(2, table.schema());
      ps.setString(3, table.table());
      ps.setString(4, runId);
      ps.executeUpdate();
    }
  }

  private static Optional<Marker> select(Connection c, String sql, TableName table)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table.schema());
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Marker(rs.getString(1), rs.getString(2)))
            : Optional.empty();
      }
    }
  }
}
