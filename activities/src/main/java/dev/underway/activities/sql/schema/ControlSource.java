package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.BackfillControl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The operator's live control of a running backfill (gh-ost's interactive commands), read before
 * every batch.
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
        .map(r -> new BackfillControl(r.throttled(), r.reason(), r.batchSize()))
        .orElse(FREE);
  }

  /** Writes {@code control} into {@code owner}'s row; false when the owner holds no row. */
  static boolean write(Connection c, TableName table, String owner, BackfillControl control)
      throws SQLException {
    if (!RunMarker.exists(c, PostgresSchemaDialect.changesTable(table))) {
      return false;
    }
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.setControl(table))) {
      ps.setBoolean(1, control.throttled());
      ps.setString(2, control.reason());
      if (control.batchSize() == null) {
        ps.setNull(3, java.sql.Types.INTEGER);
      } else {
        ps.setInt(3, control.batchSize());
      }
      ps.setString(4, table.toString());
      ps.setString(5, owner);
      return ps.executeUpdate() > 0;
    }
  }
}
