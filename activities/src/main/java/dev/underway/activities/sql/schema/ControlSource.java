package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.BackfillControl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The operator's live control of a running backfill (gh-ost's interactive commands: throttle, a
 * pinned batch size, the latency guard's ratio), read before every batch.
 */
@FunctionalInterface
public interface ControlSource {

  /** The control now. */
  BackfillControl read(Connection c) throws SQLException;

  BackfillControl FREE = new BackfillControl(false, null, null);

  /** No control: never throttled, no batch size pinned. */
  static ControlSource none() {
    return c -> FREE;
  }

  /**
   * The table's control row ({@link RunMarker}): a durable row, rather than the heartbeat's
   * response, survives a worker's crash and reaches the backfill's next attempt, and can be set
   * with plain SQL in an emergency. No row: free.
   */
  static ControlSource row(TableName table) {
    return c -> RunMarker.read(c, table)
        .map(RunMarker.Row::control)
        .orElse(FREE);
  }

  /**
   * Writes {@code control} into {@code owner}'s row; false when the owner holds no row. A marker
   * table created before the guard gains the ratio's column when a ratio is first set.
   */
  static boolean write(Connection c, TableName table, String owner, BackfillControl control)
      throws SQLException {
    String marker = PostgresSchemaDialect.changesTable(table);
    if (!RunMarker.exists(c, marker)) {
      return false;
    }
    boolean ratioColumn = hasRatioColumn(c, marker);
    if (!ratioColumn && control.ratio() != null) {
      try (java.sql.Statement s = c.createStatement()) {
        s.execute(PostgresSchemaDialect.addGuardRatio(table));
      }
      ratioColumn = true;
    }
    try (PreparedStatement ps = c.prepareStatement(ratioColumn
        ? PostgresSchemaDialect.setControlWithRatio(table)
        : PostgresSchemaDialect.setControl(table))) {
      int i = 1;
      ps.setBoolean(i++, control.throttled());
      ps.setString(i++, control.reason());
      if (control.batchSize() == null) {
        ps.setNull(i++, java.sql.Types.INTEGER);
      } else {
        ps.setInt(i++, control.batchSize());
      }
      if (ratioColumn) {
        if (control.ratio() == null) {
          ps.setNull(i++, java.sql.Types.DOUBLE);
        } else {
          ps.setDouble(i++, control.ratio());
        }
      }
      ps.setString(i++, table.toString());
      ps.setString(i, owner);
      return ps.executeUpdate() > 0;
    }
  }

  private static boolean hasRatioColumn(Connection c, String marker) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.HAS_GUARD_RATIO)) {
      ps.setString(1, marker);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
