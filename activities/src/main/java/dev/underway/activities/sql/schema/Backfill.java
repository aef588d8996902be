package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.activities.support.Polling;
import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.SchemaFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfill: keyset batches over the table's key, each row that needs it touched so that the
 * sync trigger fills its new columns with {@code up} (one statement per batch, its own
 * transaction, its rows locked in key order). Before the first batch it opens the latency guard
 * ({@link StepGuard}) and lets it sample the foreground's baseline (an attempt resumed from a
 * progress that carries the guard's state keeps its baseline). Before every batch it reads the
 * operator's control ({@link ControlSource}: pause while throttled, a pinned batch size, the
 * guard's ratio), then every standby's lag ({@link ReplicaLagGauge}: a hard pause while any
 * exceeds {@code maxReplicaLagMillis}). After every batch it rests as long as the guard says (in
 * slices, heartbeating), and sizes the next batch to the target batch time ({@link BatchSizer},
 * bounded) unless pinned; while the guard holds it slowed the batch shrinks with the duty and
 * never grows. After every batch, and at every re-check while paused or resting, the listener is
 * told the progress, cursor and guard included: an attempt given an earlier progress resumes
 * after its cursor, so a killed worker costs at most the batches since its last heartbeat, never
 * the whole table.
 */
public final class Backfill {

  private static final Logger log = LoggerFactory.getLogger(Backfill.class);

  /** Attempts per batch on a transient error (lock not granted, deadlock, serialization). */
  static final int BATCH_ATTEMPTS = 5;

  /** Told the progress after every batch and at every re-check while paused; may throw to stop. */
  @FunctionalInterface
  public interface Listener {
    void progress(BackfillProgress progress);
  }

  /** Opens the attempt's latency guard, resumed from a previous attempt's state (or null). */
  @FunctionalInterface
  public interface Guarding {
    StepGuard open(GuardState resume, List<GuardState> changes) throws SQLException;
  }

  private final BackfillSettings settings;
  private final Pacing pacing;
  private final ControlSource control;
  private final Guarding guarding;
  private final Listener listener;

  public Backfill(BackfillSettings settings, Pacing pacing, ControlSource control,
      Guarding guarding, Listener listener) {
    this.settings = settings;
    this.pacing = pacing;
    this.control = control;
    this.guarding = guarding;
    this.listener = listener;
  }

  /**
   * Backfills {@code spec}'s new columns walking {@code key}, from after {@code resume}'s cursor
   * (null: the start, counting {@code rowsTotal} rows) to the end.
   */
  public BackfillResult run(Connection c, ChangeSpec spec, TableKey key, BackfillProgress resume,
      long rowsTotal) throws SQLException {
    c.setAutoCommit(true);
    boolean triggersSkipped = BackfillSession.prepare(c, spec, pacing.batchLockTimeout());
    String writtenWithNulls = SyncColumns.read(c, spec,
        TableObserver.oid(c, spec.table())).writtenWithNulls("t.");
    ReplicaLagGauge lag = new ReplicaLagGauge();
    BackfillState st = new BackfillState(resume, rowsTotal, settings.batchSize());
    try (StepGuard guard = guarding.open(resume == null ? null : resume.guard(),
        resume == null ? null : resume.guardChanges())) {
      st.guard = guard;
      long sampling = System.nanoTime();
      guard.awaitBaseline(s -> listener.progress(st.progress(guard.throttle(), true)));
      st.throttledNanos += System.nanoTime() - sampling;
      while (true) {
        BackfillControl ctl = control.read(c);
        guard.ratio(ctl.ratio());
        if (ctl.batchSize() != null) {
          st.batch = Math.max(1, ctl.batchSize());
        }
        String pause = ctl.throttled()
            ? "throttled by " + (ctl.reason() == null ? "the operator" : ctl.reason())
            : lagging(lag.read(c));
        if (pause != null) {
          listener.progress(st.progress(pause, true));
          st.throttledNanos += sleep(pacing.pollWhilePaused());
          continue;
        }
        long t0 = System.nanoTime();
        Batch result = batch(c, spec, key, writtenWithNulls, st.cursor, st.batch,
            ctl.batchSize() == null ? settings.minBatchSize() : st.batch);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (result == null) {
          st.rowsTotal = Math.max(st.rowsTotal, st.done);
          listener.progress(st.progress(null));
          log.info("Backfill of {} done: {} rows in {} batches; {}", spec.table(), st.done,
              st.batches, guard.state().summary());
          return st.result(triggersSkipped);
        }
        st.advance(result.touched(), result.last());
        st.batch = result.limit();
        Duration rest = guard.restFor(took);
        if (ctl.batchSize() == null) {
          st.batch = nextBatch(st.batch, took, guard);
        }
        listener.progress(st.progress(guard.throttle()));
        st.throttledNanos += guard.rest(rest,
            () -> listener.progress(st.progress(guard.throttle())));
      }
    }
  }

  /**
   * The smallest batch the duty shrinks a batch to (the time target may go smaller): a batch
   * of a few rows costs the server a round trip, a control read and a lag read for almost no
   * work, so that at 10 rows a batch the walk's own statements, not its rows, loaded the
   * foreground (measured in the sandbox: 13,000-17,000 batches for 300,000 rows). The duty
   * cycle, not the batch, sets the step's share of the server.
   */
  static final int SLOWED_SMALLEST = 200;

  /**
   * The next batch's size: to the target batch time ({@link BatchSizer}); before the guard's
   * first judgement of the foreground under the backfill's load, and while it holds the step
   * slowed, never larger; while slowed, smaller with the duty too (at most halved per batch,
   * down to the smallest batch), so that a batch holds its row locks for less time.
   */
  int nextBatch(int current, Duration took, StepGuard guard) {
    int next = BatchSizer.next(current, took, settings);
    if (!guard.slowed()) {
      // until the guard has judged the foreground under the step's load, no growth either
      return guard.judged() ? next : Math.min(current, next);
    }
    double factor = Math.max(0.5, Math.min(1.0, guard.state().duty()));
    int byDuty = Math.max((int) Math.round(current * factor),
        Math.min(current, SLOWED_SMALLEST));
    return Math.max(settings.minBatchSize(), Math.min(next, Math.min(current, byDuty)));
  }

  /** Why the lag pauses the backfill, or null. */
  private String lagging(List<StandbyLag> standbys) {
    for (StandbyLag s : standbys) {
      if (s.lagMillis() != null && s.lagMillis() > settings.maxReplicaLagMillis()) {
        return String.format(java.util.Locale.ROOT, "replica lag: %s %.1f s > %.1f s", s.name(),
            s.lagMillis() / 1000.0, settings.maxReplicaLagMillis() / 1000.0);
      }
    }
    return null;
  }

  /** A batch done: rows touched, its last key, and the size it ran with. */
  private record Batch(long touched, List<String> last, int limit) {}

  /**
   * One batch, retried on transient errors (a row lock not granted within the batch's short lock
   * timeout, a deadlock, a serialization failure), each retry with half the rows down to {@code
   * smallest}: a smaller batch holds fewer locks for less time. Null when no row is left after
   * the cursor.
   */
  private static Batch batch(Connection c, ChangeSpec spec, TableKey key,
      String writtenWithNulls, List<String> cursor, int size, int smallest)
      throws SQLException {
    String sql = PostgresSchemaDialect.backfillBatch(spec, key, !cursor.isEmpty(),
        writtenWithNulls);
    int limit = size;
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
          return new Batch(rs.getLong(1), last, limit);
        }
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("22") || state.startsWith("23") || state.startsWith("P0")) {
          // a row the expressions do not work on: retrying cannot help
          throw SchemaFailures.EXPRESSION_FAILED.failure("the backfill of " + spec.table()
              + " failed on a row after key " + cursor + ": " + e.getMessage());
        }
        if (attempt >= BATCH_ATTEMPTS || !PostgresSchemaDialect.TRANSIENT.contains(state)) {
          throw e;
        }
        limit = Math.max(smallest, limit / 2);
        log.info("Backfill batch of {}: SQLSTATE {} (attempt {}), retrying with {} rows",
            spec.table(), state, attempt, limit);
        sleep(Duration.ofMillis(100L * attempt));
      }
    }
  }

  /** Sleeps; returns the nanoseconds slept. */
  private static long sleep(Duration d) {
    long t0 = System.nanoTime();
    Polling.pause(Duration.ofMillis(Math.max(1, d.toMillis())));
    return System.nanoTime() - t0;
  }
}
