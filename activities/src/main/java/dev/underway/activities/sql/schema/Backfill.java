package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfill: keyset batches over the table's key, each row touched so that the sync trigger
 * fills its new columns with {@code up} (one statement per batch, its own transaction). Before
 * every batch it reads the operator's control, then every standby's lag ({@link
 * ReplicaLagGauge}: it pauses while any exceeds {@link BackfillSettings#maxReplicaLag()}), then the
 * foreground-latency probe (it slows while the probe is over budget: half the batch and a pause
 * of one target batch time). The batch size adapts to the target batch time ({@link
 * BatchSizer}). After every batch, and at every re-check while paused, the listener is told the
 * progress, cursor included: an attempt given an earlier progress resumes after its cursor, so
 * a killed worker costs at most the batches since its last heartbeat, never the whole table.
 */
public final class Backfill {

  private static final Logger log = LoggerFactory.getLogger(Backfill.class);

  /** Attempts per batch on a transient error (lock not granted, deadlock, serialization). */
  static final int BATCH_ATTEMPTS = 5;

  private final BackfillSettings settings;
  private final BackfillControl control;
  private final LatencyProbe latency;
  private final ProgressListener listener;

  /**
   * @param latency the foreground probe; null: none (then {@link
   *     BackfillSettings#latencyBudget()} is not used)
   */
  public Backfill(BackfillSettings settings, BackfillControl control, LatencyProbe latency,
      ProgressListener listener) {
    this.settings = settings;
    this.control = control;
    this.latency = latency;
    this.listener = listener;
  }

  /**
   * Backfills {@code spec}'s new columns walking {@code key}, from {@code resume} (null: the
   * start, counting {@code rowsTotal} rows) to the end.
   */
  public BackfillProgress run(Connection c, ChangeSpec spec, TableKey key,
      BackfillProgress resume, long rowsTotal) throws SQLException {
    BackfillProgress at = resume != null ? resume
        : BackfillProgress.start(rowsTotal, settings.batchSize());
    if (at.done()) {
      return at;
    }
    try (Statement s = c.createStatement()) {
      s.execute(PostgresSchemaDialect.sessionLockTimeout(settings.batchLockTimeout().toMillis()));
    }
    c.setAutoCommit(true);
    ReplicaLagGauge lag = new ReplicaLagGauge();
    List<String> cursor = at.cursor();
    long done = at.rowsDone();
    long doneHere = 0;
    int batch = Math.max(settings.minBatch(), Math.min(settings.maxBatch(), at.batchSize()));
    long lastSerial = 0;
    long started = System.nanoTime();
    while (true) {
      BackfillControl.Control ctl = control.read(c);
      if (ctl.batchSize() != null && ctl.serial() != lastSerial) {
        lastSerial = ctl.serial();
        batch = Math.max(1, ctl.batchSize());
      }
      String pause = ctl.throttled() ? "throttled by the operator" : lagging(lag.read(c));
      if (pause != null) {
        listener.progress(new BackfillProgress(cursor, done, at.rowsTotal(), 0, batch, pause,
            false));
        sleep(settings.pollWhilePaused());
        continue;
      }
      String slow = overBudget();
      if (slow != null) {
        batch = Math.max(settings.minBatch(), batch / 2);
        listener.progress(new BackfillProgress(cursor, done, at.rowsTotal(),
            rate(doneHere, started), batch, slow, false));
        sleep(settings.targetBatchTime());
      }
      long t0 = System.nanoTime();
      Batch result = batch(c, spec, key, cursor, batch);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      if (result == null) {
        BackfillProgress end = new BackfillProgress(cursor, done, at.rowsTotal(),
            rate(doneHere, started), batch, null, true);
        listener.progress(end);
        log.info("Backfill of {} done: {} rows", spec.table(), done);
        return end;
      }
      cursor = result.last();
      done += result.touched();
      doneHere += result.touched();
      batch = BatchSizer.next(batch, took, settings);
      listener.progress(new BackfillProgress(cursor, done, at.rowsTotal(),
          rate(doneHere, started), batch, slow, false));
    }
  }

  /** Why the lag pauses the backfill, or null. */
  private String lagging(List<StandbyLag> standbys) {
    for (StandbyLag s : standbys) {
      if (s.lagMillis() != null && s.lagMillis() > settings.maxReplicaLag().toMillis()) {
        return "replica " + s.name() + " lags " + s.lagMillis() + " ms (more than "
            + settings.maxReplicaLag().toMillis() + " ms)";
      }
    }
    return null;
  }

  /** Why the latency slows the backfill, or null. */
  private String overBudget() throws SQLException {
    if (latency == null || settings.latencyBudget() == null) {
      return null;
    }
    Duration took = latency.measure();
    if (took.compareTo(settings.latencyBudget()) > 0) {
      return "foreground latency " + took.toMillis() + " ms (budget "
          + settings.latencyBudget().toMillis() + " ms)";
    }
    return null;
  }

  private record Batch(long touched, List<String> last) {}

  /** One batch, retried on transient errors; null when no row is left after the cursor. */
  private static Batch batch(Connection c, ChangeSpec spec, TableKey key, List<String> cursor,
      int limit) throws SQLException {
    String sql = PostgresSchemaDialect.backfillBatch(spec, key, !cursor.isEmpty());
    for (int attempt = 1; ; attempt++) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        for (String value : cursor) {
          ps.setString(i++, value);
        }
        ps.setInt(i, limit);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return null;
          }
          List<String> last = new ArrayList<>();
          for (int k = 0; k < key.columns().size(); k++) {
            last.add(rs.getString(2 + k));
          }
          return new Batch(rs.getLong(1), last);
        }
      } catch (SQLException e) {
        if (attempt >= BATCH_ATTEMPTS
            || !PostgresSchemaDialect.TRANSIENT.contains(e.getSQLState())) {
          throw e;
        }
        log.info("Backfill batch of {}: {} (attempt {}), retrying", spec.table(),
            e.getSQLState(), attempt);
        sleep(Duration.ofMillis(100L * attempt));
      }
    }
  }

  private static double rate(long rows, long startedNanos) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    return seconds <= 0 ? 0 : rows / seconds;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("backfill interrupted");
    }
  }
}
