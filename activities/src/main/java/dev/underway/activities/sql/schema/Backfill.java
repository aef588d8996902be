package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.activities.support.Polling;
import dev.underway.workflows.schema.contract.SchemaFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfill: keyset batches over the table's key, each row that needs it touched so that the
 * sync trigger fills its new columns with {@code up} (one statement per batch, its own
 * transaction). Before every batch it reads the operator's control ({@link ControlSource}: pause
 * while throttled, a pinned batch size), then every standby's lag ({@link ReplicaLagGauge}: pause
 * while any exceeds {@code maxReplicaLagMillis}), then the foreground-latency probe (slow while it
 * is over budget: half the batch and a pause as long as the probe took). The batch size adapts
 * to the target batch time ({@link BatchSizer}) unless pinned. After every batch, and at every
 * re-check while paused, the listener is told the progress, cursor included: an attempt given an
 * earlier progress resumes after its cursor, so a killed worker costs at most the batches since
 * its last heartbeat, never the whole table.
 */
public final class Backfill {

  private static final Logger log = LoggerFactory.getLogger(Backfill.class);

  /** Attempts per batch on a transient error (lock not granted, deadlock, serialization). */
  static final int BATCH_ATTEMPTS = 5;
  /** The rate is measured over this window. */
  private static final long RATE_WINDOW_NANOS = 60_000_000_000L;

  /** Told the progress after every batch and at every re-check while paused; may throw to stop. */
  @FunctionalInterface
  public interface Listener {
    void progress(BackfillProgress progress);
  }

  private final BackfillSettings settings;
  private final Pacing pacing;
  private final ControlSource control;
  private final LatencyProbe latency;
  private final Listener listener;

  /** @param latency the foreground probe; null: none (the budget is then not used) */
  public Backfill(BackfillSettings settings, Pacing pacing, ControlSource control,
      LatencyProbe latency, Listener listener) {
    this.settings = settings;
    this.pacing = pacing;
    this.control = control;
    this.latency = latency;
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
    State st = new State(resume, rowsTotal, settings.batchSize());
    while (true) {
      BackfillControl ctl = control.read(c);
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
      String slow = null;
      if (latency != null && settings.latencyBudgetMillis() != null) {
        Duration took = latency.measure();
        if (took.toMillis() > settings.latencyBudgetMillis()) {
          slow = "latency: probe " + took.toMillis() + " ms > " + settings.latencyBudgetMillis()
              + " ms";
          if (ctl.batchSize() == null) {
            st.batch = Math.max(settings.minBatchSize(), st.batch / 2);
          }
          listener.progress(st.progress(slow));
          st.throttledNanos += sleep(took);
        }
      }
      long t0 = System.nanoTime();
      Batch result = batch(c, spec, key, writtenWithNulls, st.cursor, st.batch,
          ctl.batchSize() == null ? settings.minBatchSize() : st.batch);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      if (result == null) {
        st.rowsTotal = Math.max(st.rowsTotal, st.done);
        listener.progress(st.progress(null));
        log.info("Backfill of {} done: {} rows in {} batches", spec.table(), st.done, st.batches);
        return st.result(triggersSkipped);
      }
      st.advance(result);
      st.batch = result.limit();
      if (ctl.batchSize() == null) {
        int next = BatchSizer.next(st.batch, took, settings);
        // while the foreground is over budget the batch may shrink, never grow back
        st.batch = slow != null ? Math.min(st.batch, next) : next;
      }
      listener.progress(st.progress(slow));
    }
  }

  /**
   * Where the walk is, the recent rate, and the time every attempt ran and was throttled: each
   * attempt starts from the sums its resume progress carries, so that the result's rate and
   * throttled time count every attempt, not only the last.
   */
  private static final class State {
    List<String> cursor;
    long done;
    long rowsTotal;
    long batches;
    int batch;
    final int attempts;
    final long resumedFrom;
    final Deque<long[]> recent = new ArrayDeque<>();
    final long startedNanos = System.nanoTime();
    final long activeBefore;
    final long throttledBefore;
    long throttledNanos;

    State(BackfillProgress resume, long rowsTotal, int batchSize) {
      this.cursor = resume == null || resume.cursor() == null ? List.of() : resume.cursor();
      this.done = resume == null ? 0 : resume.rowsDone();
      this.rowsTotal = resume == null ? rowsTotal : Math.max(resume.rowsTotal(), rowsTotal);
      this.batches = resume == null ? 0 : resume.batches();
      this.batch = resume == null || resume.batchSize() < 1 ? batchSize : resume.batchSize();
      this.attempts = resume == null ? 1 : resume.attempts() + 1;
      this.resumedFrom = done;
      this.activeBefore = resume == null || resume.activeMillis() == null ? 0
          : resume.activeMillis();
      this.throttledBefore = resume == null || resume.throttledMillis() == null ? 0
          : resume.throttledMillis();
      recent.add(new long[] {System.nanoTime(), done});
    }

    void advance(Batch b) {
      cursor = b.last();
      done += b.touched();
      batches++;
      rowsTotal = Math.max(rowsTotal, done);
      long now = System.nanoTime();
      recent.addLast(new long[] {now, done});
      while (recent.size() > 2 && now - recent.peekFirst()[0] > RATE_WINDOW_NANOS) {
        recent.removeFirst();
      }
    }

    BackfillProgress progress(String throttle) {
      return progress(throttle, false);
    }

    /**
     * The progress now: the rate rounded to whole rows per second (as every view shows it), no
     * ETA while {@code paused} (it would count down while nothing moves).
     */
    BackfillProgress progress(String throttle, boolean paused) {
      long[] first = recent.peekFirst();
      double seconds = (System.nanoTime() - first[0]) / 1e9;
      double rate = seconds <= 0 ? 0 : (done - first[1]) / seconds;
      Long eta = paused || rate <= 0 ? null
          : (long) Math.ceil(Math.max(0, rowsTotal - done) / rate);
      rate = Math.round(rate);
      return new BackfillProgress(cursor.isEmpty() ? null : cursor, done, rowsTotal, batches,
          batch, rate, eta, throttle, attempts, resumedFrom, Instant.now().toString(),
          activeMillis(), throttledMillis());
    }

    long activeMillis() {
      return activeBefore + (System.nanoTime() - startedNanos) / 1_000_000;
    }

    long throttledMillis() {
      return throttledBefore + throttledNanos / 1_000_000;
    }

    BackfillResult result(boolean triggersSkipped) {
      long millis = activeMillis();
      return new BackfillResult(done, rowsTotal, batches, millis,
          millis == 0 ? 0 : done * 1000.0 / millis, throttledMillis(), attempts,
          triggersSkipped);
    }
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
