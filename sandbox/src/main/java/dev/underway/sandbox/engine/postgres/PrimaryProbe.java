package dev.underway.sandbox.engine.postgres;

import dev.underway.activities.sql.RowLockProbe;
import dev.underway.activities.sql.StatementProbe;
import dev.underway.activities.support.guard.ForegroundProbe;
import dev.underway.guard.GuardSettings;
import dev.underway.sandbox.load.KeyValueWorkload;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What the latency guard of a base backup samples on the primary, on a connection of its own:
 * the operator's statement when the guard's settings name one; else the writer probe (a lock of
 * a random row, rolled back: {@link RowLockProbe}) on the sandbox load's table {@value
 * KeyValueWorkload#TABLE} when the application database has it; else, with no table known, a
 * small read of the catalogue ({@value #CATALOGUE_READ}), which feels the primary's CPU and
 * buffers but no row lock.
 */
final class PrimaryProbe {

  static final String CATALOGUE_READ = "SELECT count(*) FROM pg_catalog.pg_class";

  private PrimaryProbe() {}

  /** A probe on {@code connection} (its own; closed with the probe), and what it is. */
  record Chosen(ForegroundProbe probe, String what) {}

  static Chosen open(Connection connection, GuardSettings settings) throws SQLException {
    try {
      if (settings != null && settings.probe() != null && !settings.probe().isBlank()) {
        return new Chosen(StatementProbe.open(connection, settings.probe()),
            "the operator's statement, rolled back");
      }
      if (hasLoadTable(connection)) {
        return new Chosen(RowLockProbe.open(connection, "public", KeyValueWorkload.TABLE,
            List.of("id")), "a row lock on " + KeyValueWorkload.TABLE + ", rolled back");
      }
      return new Chosen(StatementProbe.open(connection, CATALOGUE_READ),
          "a read of pg_class (no load table known)");
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private static boolean hasLoadTable(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT to_regclass('public." + KeyValueWorkload.TABLE
             + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
