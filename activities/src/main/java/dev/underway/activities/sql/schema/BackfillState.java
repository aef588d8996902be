package dev.underway.activities.sql.schema;

import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Where the backfill's walk is, the recent rate, and the time every attempt ran and was
 * throttled: each attempt starts from the sums its resume progress carries, so that the result's
 * rate and throttled time count every attempt, not only the last.
 */
final class BackfillState {
  /** The rate is measured over this window. */
  private static final long RATE_WINDOW_NANOS = 60_000_000_000L;

  List<String> cursor;
  long done;
  long rowsTotal;
  long batches;
  int batch;
  final int attempts;
  final long resumedFrom;
  private final Deque<long[]> recent = new ArrayDeque<>();
  private final long startedNanos = System.nanoTime();
  private final long activeBefore;
  private final long throttledBefore;
  long throttledNanos;
  /** The guard's state and changes to tell with the progress; null: none. */
  StepGuard guard;

  BackfillState(BackfillProgress resume, long rowsTotal, int batchSize) {
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

  /** A batch done: {@code touched} rows up to {@code last}. */
  void advance(long touched, List<String> last) {
    cursor = last;
    done += touched;
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
   * ETA while {@code paused} (it would count down while nothing moves), the guard's state and
   * its last changes of mode.
   */
  BackfillProgress progress(String throttle, boolean paused) {
    long[] first = recent.peekFirst();
    double seconds = (System.nanoTime() - first[0]) / 1e9;
    double rate = seconds <= 0 ? 0 : (done - first[1]) / seconds;
    Long eta = paused || rate <= 0 ? null
        : (long) Math.ceil(Math.max(0, rowsTotal - done) / rate);
    rate = Math.round(rate);
    GuardState state = guard == null ? null : guard.state();
    List<GuardState> changes = guard == null ? null : guard.changes();
    return new BackfillProgress(cursor.isEmpty() ? null : cursor, done, rowsTotal, batches,
        batch, rate, eta, throttle, attempts, resumedFrom, Instant.now().toString(),
        activeMillis(), throttledMillis(), state, changes);
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
