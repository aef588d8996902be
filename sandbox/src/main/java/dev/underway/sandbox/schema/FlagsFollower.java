package dev.underway.sandbox.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The application's side of the flags table's read contract (runbooks/schema-change.md): reads
 * {@code underway_flags} for the change's two keys every {@code every} on a connection of its own
 * and caches them; a missing row (or no flags table yet) means reads {@code old} and writes of the
 * old shape only (the sync trigger fills the new columns); an unknown value keeps the previous
 * one; a failed read keeps both as they were.
 */
public final class FlagsFollower implements AutoCloseable {

  /** Opens a connection to the table's database. */
  @FunctionalInterface
  public interface Connect {
    Connection open() throws SQLException;
  }

  /** What the application writes: the old shape only, both shapes, or the new one only. */
  public enum Writes { OLD, BOTH, NEW }

  /** What the application reads. */
  public enum Reads { OLD, NEW }

  private static final String UNDEFINED_TABLE = "42P01";

  private final Connect connect;
  private final String readsKey;
  private final String writesKey;
  private final Duration every;
  private Connection connection;
  private ScheduledExecutorService timer;
  private volatile Reads reads = Reads.OLD;
  private volatile Writes writes = Writes.OLD;

  public FlagsFollower(Connect connect, ChangeObjects objects, Duration every) {
    this.connect = connect;
    this.readsKey = objects.readsFlag();
    this.writesKey = objects.writesFlag();
    this.every = every;
  }

  public Reads reads() {
    return reads;
  }

  public Writes writes() {
    return writes;
  }

  /** Reads the flags now; every {@code every} afterwards. */
  public synchronized void start() {
    refresh();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "underway-sandbox-flags");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::refresh, every.toMillis(), every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Reads the flags once (what the timer does). */
  public synchronized void refresh() {
    String readsValue = null;
    String writesValue = null;
    try {
      if (connection == null || connection.isClosed()) {
        connection = connect.open();
        connection.setAutoCommit(true);
      }
      try (PreparedStatement ps = connection.prepareStatement("SELECT key, value FROM "
          + ChangeObjects.FLAGS_TABLE + " WHERE key IN (?, ?)")) {
        ps.setString(1, readsKey);
        ps.setString(2, writesKey);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (readsKey.equals(rs.getString(1))) {
              readsValue = rs.getString(2);
            } else {
              writesValue = rs.getString(2);
            }
          }
        }
      }
    } catch (SQLException e) {
      if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
        closeConnection();
        return; // keep what was read last
      }
    }
    reads = readsValue == null ? Reads.OLD
        : ChangeObjects.READS_NEW.equals(readsValue) ? Reads.NEW
        : ChangeObjects.READS_OLD.equals(readsValue) ? Reads.OLD : reads;
    writes = writesValue == null ? Writes.OLD
        : ChangeObjects.WRITES_NEW.equals(writesValue) ? Writes.NEW
        : ChangeObjects.WRITES_BOTH.equals(writesValue) ? Writes.BOTH
        : ChangeObjects.WRITES_OLD.equals(writesValue) ? Writes.OLD : writes;
  }

  private void closeConnection() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // a broken connection: opened again at the next refresh
    }
    connection = null;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    closeConnection();
  }
}
