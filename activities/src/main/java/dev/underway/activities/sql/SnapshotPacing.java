package dev.underway.activities.sql;

import dev.underway.activities.support.HeartbeatWait;
import dev.underway.activities.support.guard.ForegroundProbe;
import dev.underway.activities.support.guard.LatencyGuard;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.ClusterTarget;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.SnapshotRate;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CockroachDB's snapshot rate on the latency guard, for {@link SqlDatabaseActivities}: read the
 * settings as found, sample the guard's baseline before the phase moves data, lower the rate
 * while the replication wait runs and the guard says so ({@code max(floor, duty x found)}, never
 * above the value found), put the value found back. The SQL is {@link CockroachDialect}'s.
 */
final class SnapshotPacing {

  private static final Logger log = LoggerFactory.getLogger(SnapshotPacing.class);

  /**
   * The lowest rate the guard sets (8 MiB/s, CockroachDB's own default in its early releases): a
   * range's snapshot must still finish within its deadline. A value found below it is kept.
   */
  static final long FLOOR_BYTES_PER_SECOND = 8L * 1024 * 1024;

  /** A new rate is set only when it moves by at least this fraction of the value found. */
  static final double STEP = 1.0 / 16;

  /** Work on a connection to the target (the activities' own, with their error handling). */
  @FunctionalInterface
  interface Sql {
    <T> T with(ClusterTarget target, String what, SqlDatabaseActivities.SqlWork<T> work);
  }

  /** The probe the guard samples the foreground with, on a connection of its own. */
  @FunctionalInterface
  interface Probes {
    ForegroundProbe open(ClusterTarget target, GuardSettings settings) throws SQLException;
  }

  private final Sql sql;
  private final CockroachDialect dialect;
  private final Probes probes;
  private final Duration pollInterval;

  SnapshotPacing(Sql sql, CockroachDialect dialect, Probes probes, Duration pollInterval) {
    this.sql = sql;
    this.dialect = dialect;
    this.probes = probes;
    this.pollInterval = pollInterval;
  }

  /** {@code max(floor, duty x found)}, never above the value found. */
  static long rate(double duty, long found) {
    long floor = Math.min(FLOOR_BYTES_PER_SECOND, found);
    return Math.min(found, Math.max(floor, Math.round(Math.max(0, duty) * found)));
  }

  SnapshotRate read(ClusterTarget target) {
    return sql.with(target, "read the snapshot rate", (c, creds) -> found(c));
  }

  private SnapshotRate found(Connection c) throws SQLException {
    dialect.allowInternals(c, dialect.serverVersion(c)); // system.settings, from v26.1
    List<SnapshotRate.Setting> settings = new ArrayList<>();
    for (String name : CockroachDialect.SNAPSHOT_RATE_SETTINGS) {
      dialect.snapshotRate(c, name).ifPresent(settings::add);
    }
    return settings.isEmpty() ? SnapshotRate.notApplicable("this CockroachDB release has no"
        + " snapshot rate setting") : SnapshotRate.of(settings);
  }

  GuardState baseline(ClusterTarget target, GuardSettings settings) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    try (LatencyGuard guard = open(target, settings, null)) {
      guard.awaitBaseline(context::heartbeat);
      GuardState state = guard.state();
      log.info("{}: latency guard baseline before the phase moves data: {}", target.key(),
          state.summary());
      return state;
    }
  }

  /**
   * The replication wait ({@code reading}), the snapshot rate paced by the guard at every
   * reading. Resumes from its heartbeat (the replication's reading, the guard's state).
   */
  PacedReplication await(ClusterTarget target, SnapshotRate found, GuardSettings settings,
      GuardState baseline, HeartbeatWait.Reading<ReplicationProgress> reading) {
    if (found == null || !found.applicable() || found.settings().isEmpty()) {
      throw new IllegalArgumentException("no snapshot rate found to pace");
    }
    Optional<PacedReplication> resumed = Activity.getExecutionContext()
        .getHeartbeatDetails(PacedReplication.class);
    GuardState resume = resumed.map(PacedReplication::guard).orElse(baseline);
    long foundRate = found.settings().get(0).bytesPerSecond();
    try (LatencyGuard guard = open(target, settings, resume)) {
      PacedReplication done = HeartbeatWait.until("the paced replication wait of "
          + target.key(), PacedReplication.class, pollInterval, PacedReplication::done,
          last -> {
            ReplicationProgress r = reading.next(last == null ? null : last.replication());
            double duty = guard.adjust();
            // the value found is in effect until the guard first moves it: nothing is set
            long current = last == null || last.rateBytesPerSecond() == null ? foundRate
                : last.rateBytesPerSecond();
            long wanted = rate(duty, foundRate);
            int changes = last == null || last.changes() == null ? 0 : last.changes();
            if (moves(current, wanted, foundRate)) {
              set(target, found, duty);
              current = wanted;
              changes++;
            }
            long lowest = last == null || last.lowestBytesPerSecond() == null ? current
                : Math.min(last.lowestBytesPerSecond(), current);
            return new PacedReplication(r, guard.state(), current, foundRate, lowest, changes);
          });
      log.info("{}: replicated; {}; {}", target.key(), done.rateSummary(),
          done.guard() == null ? "" : done.guard().summary());
      return done;
    }
  }

  /** Whether {@code wanted} differs enough from {@code current} to be set. */
  private static boolean moves(long current, long wanted, long found) {
    return wanted != current && (wanted == found || wanted == Math.min(FLOOR_BYTES_PER_SECOND,
        found) || Math.abs(wanted - current) >= found * STEP);
  }

  /** Every setting found to {@code max(floor, duty x its value found)}. */
  private void set(ClusterTarget target, SnapshotRate found, double duty) {
    sql.with(target, "set the snapshot rate", (c, creds) -> {
      for (SnapshotRate.Setting s : found.settings()) {
        long rate = rate(duty, s.bytesPerSecond());
        dialect.setSnapshotRate(c, s.name(), rate);
        log.info("{}: {} = {} bytes/s (duty {} of {} found)", target.key(), s.name(), rate,
            String.format(java.util.Locale.ROOT, "%.2f", duty), s.found());
      }
      return null;
    });
  }

  /** Every setting back exactly as found; those already so are left alone. */
  ChangeResult restore(ClusterTarget target, SnapshotRate found) {
    String object = "snapshot rate of " + target.key();
    if (found == null || !found.applicable()) {
      return ChangeResult.unchanged(object, "not applicable: nothing was changed");
    }
    return sql.with(target, "restore the snapshot rate", (c, creds) -> {
      dialect.allowInternals(c, dialect.serverVersion(c));
      List<String> done = new ArrayList<>();
      for (SnapshotRate.Setting was : found.settings()) {
        Optional<SnapshotRate.Setting> now = dialect.snapshotRate(c, was.name());
        if (now.isPresent() && same(now.get(), was)) {
          continue;
        }
        if (was.explicit()) {
          dialect.setSnapshotRate(c, was.name(), was.storedValue() != null
              ? CockroachDialect.parseByteSize(was.storedValue()) : was.bytesPerSecond());
        } else {
          dialect.resetSnapshotRate(c, was.name());
        }
        done.add(was.describe());
      }
      if (done.isEmpty()) {
        return ChangeResult.unchanged(object, "already as found: " + found.describe());
      }
      log.info("{}: back to {}", object, String.join(", ", done));
      return new ChangeResult(object, Outcome.UPDATED, "back to " + String.join(", ", done));
    });
  }

  /** The same value and the same origin (set, or the default). */
  private static boolean same(SnapshotRate.Setting now, SnapshotRate.Setting was) {
    return now.explicit() == was.explicit() && (was.explicit()
        ? now.bytesPerSecond() == was.bytesPerSecond() : true);
  }

  private LatencyGuard open(ClusterTarget target, GuardSettings settings, GuardState resume) {
    try {
      return LatencyGuard.open(settings == null ? GuardSettings.defaults() : settings,
          probes.open(target, settings), resume);
    } catch (SQLException e) {
      throw new SqlDatabaseActivities.SqlActivityException("the latency guard's probe on "
          + target.key() + " could not connect (SQLSTATE " + e.getSQLState() + "): "
          + e.getMessage());
    }
  }

  /**
   * The read the default probe times when the settings name no statement: a read of a system
   * table, which reaches a range (the evolution knows no table of the application's, so it
   * cannot take the writer probe's row lock). An operator who knows one names a statement the
   * application runs in the guard's {@code probe}: it is rolled back ({@link StatementProbe}).
   */
  static final String READ_PROBE = "SELECT count(*) FROM system.namespace";
}
