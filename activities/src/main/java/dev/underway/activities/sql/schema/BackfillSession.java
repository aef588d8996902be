package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfill's session: how its touches identify themselves and how long they wait.
 *
 * <ul>
 *   <li>Its batches are planned as index lookups of the batch's keys ({@link #PLANNER}).
 *   <li>It declares the shape {@code backfill} ({@link SyncTriggers#BACKFILL}): the sync trigger
 *       fills the new columns from {@code up} and never counts the touch as a stray write.
 *   <li>It asks for {@code session_replication_role = replica} where the role may set it
 *       (superusers; from PostgreSQL 15 a role granted {@code SET} on the parameter): then only
 *       {@code ENABLE ALWAYS} triggers fire — the sync's — and the application's own triggers
 *       (an {@code updated_at}, an audit row) do not fire for a touch that changes no application
 *       value. Elsewhere they fire, and the run says so.
 *   <li>Its row locks wait for less than the server's {@code deadlock_timeout}, so that when an
 *       application transaction and a batch wait for each other the batch gives up (and is
 *       retried smaller) before the deadlock detector picks a victim, which could be the
 *       application.
 * </ul>
 */
final class BackfillSession {
  private BackfillSession() {}

  private static final Logger log = LoggerFactory.getLogger(BackfillSession.class);

  /**
   * How the batch is planned, whatever the table's size and statistics: the update finds the
   * batch's rows through the key's index, one by one. A new column has no statistics, and with
   * the batch's {@code IS NULL} filter the planner may prefer hashing a full scan of the table to
   * a thousand index lookups, every batch (the walk O(n²)); and a cached generic plan of the
   * prepared batch may do the same.
   */
  static final java.util.List<String> PLANNER = java.util.List.of(
      "SET enable_hashjoin = off", "SET enable_mergejoin = off",
      "SET plan_cache_mode = force_custom_plan");

  /** Prepares {@code c}; returns whether the application's triggers are skipped. */
  static boolean prepare(Connection c, ChangeSpec spec, Duration lockTimeout)
      throws SQLException {
    long millis = Math.max(1, Math.min(lockTimeout.toMillis(), deadlockTimeoutMillis(c) / 2));
    try (Statement s = c.createStatement()) {
      s.execute(PostgresSchemaDialect.sessionLockTimeout(millis));
      for (String setting : PLANNER) {
        s.execute(setting);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config(?, ?, false)")) {
      ps.setString(1, spec.names().shapeSetting());
      ps.setString(2, SyncTriggers.BACKFILL);
      ps.execute();
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica");
      return true;
    } catch (SQLException e) {
      if (!"42501".equals(e.getSQLState())) {
        throw e;
      }
      log.info("The backfill of {} runs with session_replication_role = origin: the role may not"
          + " set it, so the application's own triggers fire on every row it touches",
          spec.table());
      return false;
    }
  }

  /** The server's {@code deadlock_timeout} in milliseconds. */
  private static long deadlockTimeoutMillis(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT setting::bigint FROM pg_settings WHERE name = 'deadlock_timeout'")) {
      return rs.next() ? rs.getLong(1) : 1_000;
    }
  }
}
