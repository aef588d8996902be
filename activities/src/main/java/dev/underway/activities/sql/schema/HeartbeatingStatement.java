package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A statement that may legitimately run for long ({@code VALIDATE CONSTRAINT}, {@code CREATE
 * INDEX CONCURRENTLY}) run while the activity heartbeats from another thread (Temporal's
 * heartbeat is thread-safe), without the session's statement timeout, and cancelled at the
 * server when a heartbeat says the activity was cancelled or timed out.
 */
final class HeartbeatingStatement implements Carry.LongStatement {

  private final Runnable beat;
  private final Duration every;

  /** @param beat one heartbeat; throws when the activity is cancelled */
  HeartbeatingStatement(Runnable beat, Duration every) {
    this.beat = beat;
    this.every = every;
  }

  @Override
  public void run(Connection c, String sql) throws SQLException {
    String timeout = show(c);
    ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "underway-heartbeat");
      t.setDaemon(true);
      return t;
    });
    try (Statement s = c.createStatement()) {
      s.execute("SET statement_timeout = 0");
      ex.scheduleAtFixedRate(() -> {
        try {
          beat.run();
        } catch (RuntimeException stopped) {
          try {
            s.cancel();
          } catch (SQLException ignored) {
            // the statement ended meanwhile
          }
        }
      }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
      s.execute(sql);
    } finally {
      ex.shutdownNow();
      try (Statement s = c.createStatement()) {
        s.execute("SET statement_timeout = '" + timeout.replace("'", "") + "'");
      }
    }
  }

  private static String show(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SHOW statement_timeout")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
