package dev.underway.activities.sql.schema;

import dev.underway.activities.support.guard.ForegroundProbe;
import dev.underway.guard.GuardSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The probe the schema change's guard samples the foreground with, on a connection of its own
 * that the probe closes: the operator's statement when the settings name one (rolled back), else
 * the default, which feels what writers feel (a lock of a random row of the table by its key, in
 * a transaction rolled back).
 */
final class GuardProbes {
  private GuardProbes() {}

  static ForegroundProbe open(Connection own, GuardSettings settings, TableName table,
      TableKey key) throws SQLException {
    try {
      own.setAutoCommit(true);
      SessionLimits.current().apply(own);
    } catch (SQLException e) {
      own.close();
      throw e;
    }
    String sql = settings.probe() != null && !settings.probe().isBlank() ? settings.probe()
        : PostgresSchemaDialect.pointRead(table, key);
    LatencyProbe probe = LatencyProbe.query(own, sql);
    return new ForegroundProbe() {
      @Override
      public Duration sample() throws Exception {
        return probe.measure();
      }

      @Override
      public void close() throws Exception {
        own.close();
      }
    };
  }
}
