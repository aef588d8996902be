package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The sync trigger at the database ({@link SyncTriggers} builds its SQL): installed by expand
 * in its transaction, rebuilt for the new phase in the same transaction as every change of the
 * writes flag, dropped by the contract and the rollback; and the evidence it keeps.
 */
public final class Sync {
  private Sync() {}

  /** The evidence of stray writes: how many since the writes flag last changed, and the last. */
  public record Evidence(long count, long lastEpochMillis) {}

  /** Creates the sync for {@code phase} on the table (oid {@code oid}), in the caller's tx. */
  static void install(Connection tx, ChangeSpec spec, long oid, String phase)
      throws SQLException {
    SyncColumns cols = SyncColumns.read(tx, spec, oid);
    try (Statement s = tx.createStatement()) {
      for (String sql : SyncObjects.install(spec, cols, phase)) {
        s.execute(sql);
      }
    }
  }

  /**
   * Rebuilds the sync's function for {@code phase} and starts the evidence again, in the caller's
   * transaction (the flag's); nothing when the sync is not installed.
   */
  static void rephase(Connection tx, ChangeSpec spec, long oid, String phase)
      throws SQLException {
    if (!installed(tx, spec)) {
      return;
    }
    SyncColumns cols = SyncColumns.read(tx, spec, oid);
    try (Statement s = tx.createStatement()) {
      s.execute(SyncTriggers.mainFunction(spec, cols, phase));
      s.execute(SyncObjects.resetEvidence(spec));
    }
  }

  /** Drops the triggers, their functions and the evidence, in the caller's transaction. */
  static void drop(Connection tx, ChangeSpec spec) throws SQLException {
    try (Statement s = tx.createStatement()) {
      for (String sql : SyncObjects.drop(spec)) {
        s.execute(sql);
      }
    }
  }

  /** The evidence now; empty when the sync is not installed. */
  static Optional<Evidence> evidence(Connection c, ChangeSpec spec) throws SQLException {
    if (!installed(c, spec)) {
      return Optional.empty();
    }
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(SyncObjects.readEvidence(spec))) {
      rs.next();
      return Optional.of(new Evidence(rs.getLong(1), rs.getLong(2)));
    }
  }

  /** Whether the sync's evidence sequence exists (expand created it, nothing dropped it). */
  static boolean installed(Connection c, ChangeSpec spec) throws SQLException {
    return RunMarker.exists(c, SyncTriggers.qualified(spec, spec.names().helpers().strayCount()));
  }
}
