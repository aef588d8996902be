package dev.underway.activities.sql;

import dev.underway.activities.support.guard.ForegroundProbe;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A probe's transaction on a connection of the probe's own: each reading runs one statement in
 * a transaction that is always rolled back (nothing it does is ever committed), bounded by a
 * short {@code SET LOCAL lock_timeout} (and a statement timeout twice as long), and times that
 * statement and the rollback (two round trips, as the end of an application's transaction). The connection is closed with the probe.
 */
public abstract class RolledBackProbe implements ForegroundProbe {

  /** How long a reading waits for a lock before it fails (as a slow reading, 55P03). */
  public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);

  private final Connection connection;
  private final String bounds;

  protected RolledBackProbe(Connection connection, Duration lockTimeout) throws SQLException {
    this.connection = connection;
    long lock = Math.max(1, lockTimeout.toMillis());
    this.bounds = "SET LOCAL lock_timeout = " + lock + "; SET LOCAL statement_timeout = "
        + 2 * lock;
    connection.setAutoCommit(false);
  }

  /** Runs the probe's statement once (inside the rolled-back transaction): what is timed. */
  protected abstract void run(Connection c) throws SQLException;

  /** Runs first in the same transaction, untimed (e.g. a probe's periodic look at the table). */
  protected void before(Connection c) throws SQLException {}

  @Override
  public final Duration sample() throws SQLException {
    long start;
    try {
      try (Statement s = connection.createStatement()) {
        s.execute(bounds);
      }
      before(connection);
      start = System.nanoTime();
      run(connection);
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
    connection.rollback();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  protected final Connection connection() {
    return connection;
  }

  @Override
  public void close() throws SQLException {
    try {
      if (!connection.isClosed()) {
        connection.rollback();
      }
    } finally {
      connection.close();
    }
  }
}
