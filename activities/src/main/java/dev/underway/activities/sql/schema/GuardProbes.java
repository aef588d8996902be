package dev.underway.activities.sql.schema;

import dev.underway.activities.sql.RowLockProbe;
import dev.underway.activities.sql.StatementProbe;
import dev.underway.activities.support.guard.ForegroundProbe;
import dev.underway.guard.GuardSettings;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The probe the schema change's guard samples the foreground with, on a connection of its own
 * that the probe closes: the operator's statement when the settings name one ({@link
 * StatementProbe}, rolled back), else the default, which feels what writers feel ({@link
 * RowLockProbe}: a lock of a random row of the table by the key the backfill walks, rolled back,
 * so it waits behind a batch's row locks as the application's writes do).
 */
final class GuardProbes {
  private GuardProbes() {}

  static ForegroundProbe open(Connection own, GuardSettings settings, TableName table,
      TableKey key) throws SQLException {
    try {
      SessionLimits.current().apply(own);
      return settings.probe() != null && !settings.probe().isBlank()
          ? StatementProbe.open(own, settings.probe())
          : RowLockProbe.open(own, table.schema(), table.table(), key.columns());
    } catch (SQLException | RuntimeException e) {
      own.close();
      throw e;
    }
  }
}
