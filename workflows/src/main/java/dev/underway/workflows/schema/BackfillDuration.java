package dev.underway.workflows.schema;

import dev.underway.guard.GuardSettings;
import dev.underway.kernel.StepProgress;
import java.util.Locale;

/**
 * How long the backfill is expected to take, as the expand gate shows it: at full rate, and at
 * the latency guard's lowest duty cycle, with the guard deciding between them while it runs.
 * Pure, and honest about being an estimate: nothing has been measured before the first batch, so
 * the full rate is the first batch's rows in the batch time target (the backfill adapts its
 * batches to that time); the status shows the measured rate and ETA once it runs.
 *
 * @param rows rows to backfill (the plan's)
 * @param rowsExact whether they were counted
 * @param batchSize the first batch's rows
 * @param targetBatchMillis the time a batch should take
 * @param guard the latency guard's settings; null in runs started before the guard
 */
record BackfillDuration(long rows, boolean rowsExact, int batchSize, long targetBatchMillis,
    GuardSettings guard) {

  /**
   * The guard's lowest duty cycle: at it the step still works this fraction of the time (the
   * activities' {@code DutyController.MIN_DUTY}; the workflows module cannot import it).
   */
  static final double FLOOR_DUTY = 0.05;

  /** The full rate assumed, in rows a second. */
  double rowsPerSecond() {
    return batchSize * 1000.0 / Math.max(1, targetBatchMillis);
  }

  /** Seconds at full rate. */
  long fullSeconds() {
    return (long) Math.ceil(rows / rowsPerSecond());
  }

  /** Seconds at the guard's lowest duty cycle. */
  long floorSeconds() {
    return (long) Math.ceil(rows / (rowsPerSecond() * FLOOR_DUTY));
  }

  private boolean guarded() {
    return guard != null && !guard.isOff();
  }

  /** The card's figure: {@code ~6 s at full rate, up to ~2 min at the guard's floor (5%)}. */
  String figure() {
    return "~" + StepProgress.duration(fullSeconds()) + " at full rate" + (guarded()
        ? ", up to ~" + StepProgress.duration(floorSeconds()) + " at the latency guard's floor ("
            + percent() + " duty)" : "");
  }

  /** The gate's sentence: the figures, who decides between them, how they are estimated. */
  String sentence() {
    String estimate = String.format(Locale.ROOT, "estimated as %s row(s)%s at %,.0f rows/s, the"
        + " first batch's %,d rows in the %d ms batch time target (the backfill adapts its"
        + " batches to that time; a table whose batches run faster fills faster): not measured"
        + " yet, the status shows the measured rate and ETA once the backfill runs",
        StepProgress.count(rows), rowsExact ? "" : " (estimated)", rowsPerSecond(), batchSize,
        targetBatchMillis);
    if (!guarded()) {
      return "expected backfill time: about " + StepProgress.duration(fullSeconds())
          + " at full rate, " + estimate + "; pauses for replica lag or a throttle come on top";
    }
    String budget = guard.budgetMillis() != null ? "under the absolute budget of "
        + guard.budgetMillis() + " ms"
        : "under " + GuardTexts.ratio(guard.ratioOrDefault()) + " its baseline";
    return "expected backfill time: about " + StepProgress.duration(fullSeconds())
        + " at full rate, up to about " + StepProgress.duration(floorSeconds()) + " if the"
        + " latency guard holds it at its floor (" + percent() + " duty); the guard decides"
        + " between them while it runs, by the foreground's p99 (held " + budget + "; set-ratio"
        + " changes it). It samples the baseline for "
        + guard.baselineMillisOrDefault() / 1000 + " s before the first batch. The figures are "
        + estimate + "; pauses for replica lag or a throttle come on top";
  }

  private static String percent() {
    return Math.round(FLOOR_DUTY * 100) + "%";
  }
}
