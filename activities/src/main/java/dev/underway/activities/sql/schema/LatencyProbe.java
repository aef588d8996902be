package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The plan's check of an operator's probe ({@code latencyProbe}): {@link #problem} runs it once,
 * read-only, when the change is observed, so that a probe that cannot run is refused before
 * anything changes. The backfill's guard samples the foreground with its own probes ({@link
 * GuardProbes}), not with this.
 */
@FunctionalInterface
public interface LatencyProbe {

  Duration measure() throws SQLException;

  /**
   * Times {@code sql} (a read an application makes, e.g. a point read by key) on {@code
   * connection}, a connection of its own so that it queues as the application's would. Every run
   * is a READ ONLY transaction, rolled back: a probe that would write (a function that inserts,
   * {@code nextval}) fails instead, and changes nothing. The connection's auto-commit is as it
   * was afterwards.
   */
  static LatencyProbe query(Connection connection, String sql) {
    return () -> {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement()) {
        s.execute(PostgresSchemaDialect.READ_ONLY_TRANSACTION);
        long start = System.nanoTime();
        try (PreparedStatement ps = connection.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            // read it all, as a client would
          }
        }
        return Duration.ofNanos(System.nanoTime() - start);
      } finally {
        connection.rollback();
        connection.setAutoCommit(autoCommit);
      }
    };
  }

  /**
   * Runs {@code sql} once as {@link #query} does: why it cannot be the probe (one sentence with
   * PostgreSQL's message), or null when it ran.
   */
  static String problem(Connection connection, String sql) {
    try {
      query(connection, sql).measure();
      return null;
    } catch (SQLException e) {
      String message = e.getMessage() == null ? e.getSQLState() : e.getMessage();
      int nl = message.indexOf('\n');
      return "latencyProbe (" + sql + ") failed in a read-only transaction: "
          + (nl < 0 ? message : message.substring(0, nl)) + " (the probe must be a read: it"
          + " runs between batches, read-only)";
    }
  }
}
