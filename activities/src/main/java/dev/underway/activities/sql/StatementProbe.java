package dev.underway.activities.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The operator's probe: a statement the application runs (a read, or a write such as an UPDATE
 * of one row), timed with every row of its results read, in a transaction that is always rolled
 * back, so a write it makes is never committed; a lock it waits for is bounded by the probe's
 * lock timeout.
 */
public final class StatementProbe extends RolledBackProbe {

  private final String sql;

  private StatementProbe(Connection connection, String sql, Duration lockTimeout)
      throws SQLException {
    super(connection, lockTimeout);
    this.sql = sql;
  }

  /** A probe running {@code sql} on {@code connection} (the probe's own; closed with it). */
  public static StatementProbe open(Connection connection, String sql) throws SQLException {
    return open(connection, sql, LOCK_TIMEOUT);
  }

  public static StatementProbe open(Connection connection, String sql, Duration lockTimeout)
      throws SQLException {
    if (sql == null || sql.isBlank()) {
      throw new IllegalArgumentException("the guard's probe is empty: give the SQL statement the"
          + " application runs, or none for the default probe");
    }
    return new StatementProbe(connection, sql, lockTimeout);
  }

  @Override
  protected void run(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      boolean rows = s.execute(sql);
      while (true) {
        if (rows) {
          try (ResultSet rs = s.getResultSet()) {
            while (rs.next()) {
              // read it all, as a client would
            }
          }
        } else if (s.getUpdateCount() == -1) {
          return;
        }
        rows = s.getMoreResults();
      }
    }
  }
}
