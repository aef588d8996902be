package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * How long a foreground query takes now: the backfill slows while it is over its budget.
 */
@FunctionalInterface
public interface LatencyProbe {

  Duration measure() throws SQLException;

  /**
   * Times {@code sql} (a read an application makes, e.g. a point read by key) on {@code
   * connection}, a connection of its own so that it queues as the application's would.
   */
  static LatencyProbe query(Connection connection, String sql) {
    return () -> {
      long start = System.nanoTime();
      try (PreparedStatement ps = connection.prepareStatement(sql);
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // read it all, as a client would
        }
      }
      return Duration.ofNanos(System.nanoTime() - start);
    };
  }
}
