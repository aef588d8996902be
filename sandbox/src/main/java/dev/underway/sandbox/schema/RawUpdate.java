package dev.underway.sandbox.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmark's comparison: what a person would run without a runbook, an unthrottled
 * batched {@code UPDATE ... SET full_name = up} over the key in ranges of {@link #BATCH} ids,
 * back to back, each batch its own transaction (autocommit).
 */
final class RawUpdate {
  private RawUpdate() {}

  static final int BATCH = 10_000;

  /** Rows updated and how long it took. */
  record Result(long rows, long millis) {
    double rowsPerSecond() {
      return millis == 0 ? rows : rows * 1000.0 / millis;
    }
  }

  static Result run(Connection c) throws SQLException {
    c.setAutoCommit(true);
    long maxId;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM "
            + CustomersTable.TABLE)) {
      rs.next();
      maxId = rs.getLong(1);
    }
    long rows = 0;
    long start = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + CustomersTable.TABLE + " SET "
        + CustomersTable.NEW_COLUMN + " = " + CustomersTable.UP + " WHERE id > ? AND id <= ?")) {
      for (long from = 0; from < maxId; from += BATCH) {
        ps.setLong(1, from);
        ps.setLong(2, from + BATCH);
        rows += ps.executeUpdate();
      }
    }
    return new Result(rows, (System.nanoTime() - start) / 1_000_000);
  }
}
