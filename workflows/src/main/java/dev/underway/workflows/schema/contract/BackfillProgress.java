package dev.underway.workflows.schema.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.underway.guard.GuardState;
import java.util.List;

/**
 * The backfill's heartbeat details, and the progress it writes to its control row: where it is,
 * how fast, and why it is slowed. An attempt that starts with heartbeat details resumes after
 * {@code cursor}, never from the start.
 *
 * @param cursor the last key done, one text value per key column (null before the first batch)
 * @param rowsDone rows updated so far, across attempts
 * @param rowsTotal rows to do (the observation's count or estimate; grows if the walk finds more)
 * @param batches batches done so far, across attempts
 * @param batchSize the batch size now (adapted, or pinned by {@code set-batch})
 * @param rowsPerSecond rate over the last minute or so
 * @param etaSeconds estimated seconds left; null while unknown
 * @param throttle why it is paused or slowed now, e.g. {@code "replica lag: standby1 3.2 s >
 *     1.5 s"}, {@code "latency: probe 80 ms > 50 ms"}, {@code "throttled by alice: deploy"};
 *     null when running free
 * @param attempts how many attempts this backfill has had (1 on the first; a resume adds one)
 * @param resumedFrom rows already done when the current attempt started (0 on the first)
 * @param at when this was written (ISO-8601, the activity's clock)
 * @param activeMillis the time every attempt so far has run, paused time included, the gaps
 *     between attempts not (a resumed attempt continues it); null in progress recorded before
 *     it was kept
 * @param throttledMillis of that, the time paused or slowed (lag, latency, the operator), every
 *     attempt's; null likewise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackfillProgress(
    List<String> cursor,
    long rowsDone,
    long rowsTotal,
    long batches,
    int batchSize,
    double rowsPerSecond,
    Long etaSeconds,
    String throttle,
    int attempts,
    long resumedFrom,
    String at,
    Long activeMillis,
    Long throttledMillis,
    GuardState guard,
    List<GuardState> guardChanges) {

  /** How many of the guard's changes of mode the progress keeps. */
  public static final int GUARD_CHANGES_KEPT = 20;

  /** Without the guard's state (as recorded before the guard). */
  public BackfillProgress(List<String> cursor, long rowsDone, long rowsTotal, long batches,
      int batchSize, double rowsPerSecond, Long etaSeconds, String throttle, int attempts,
      long resumedFrom, String at, Long activeMillis, Long throttledMillis) {
    this(cursor, rowsDone, rowsTotal, batches, batchSize, rowsPerSecond, etaSeconds, throttle,
        attempts, resumedFrom, at, activeMillis, throttledMillis, null, null);
  }

  /** Without the cumulative times (as recorded before they were kept). */
  public BackfillProgress(List<String> cursor, long rowsDone, long rowsTotal, long batches,
      int batchSize, double rowsPerSecond, Long etaSeconds, String throttle, int attempts,
      long resumedFrom, String at) {
    this(cursor, rowsDone, rowsTotal, batches, batchSize, rowsPerSecond, etaSeconds, throttle,
        attempts, resumedFrom, at, null, null, null, null);
  }

  /** One line for the timeline and the status. */
  public String summary() {
    StringBuilder s = new StringBuilder().append(rowsDone).append(" / ").append(rowsTotal)
        .append(" rows, ").append(Math.round(rowsPerSecond)).append(" rows/s, batch ")
        .append(batchSize);
    if (etaSeconds != null) {
      s.append(", ETA ").append(etaSeconds).append(" s");
    }
    if (throttle != null) {
      s.append(", throttled: ").append(throttle);
    }
    return s.toString();
  }
}
