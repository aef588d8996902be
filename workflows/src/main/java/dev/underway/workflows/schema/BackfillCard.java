package dev.underway.workflows.schema;

import dev.underway.kernel.StepProgress;
import dev.underway.workflows.schema.contract.BackfillControl;
import dev.underway.workflows.schema.contract.BackfillProgress;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The backfill's progress as the run's page shows it: rows done of the total, the rate rounded,
 * the ETA (none while paused), why it is paused or slowed, the batch size and the latency
 * guard's state. Pure.
 */
final class BackfillCard {
  private BackfillCard() {}

  /** The activity's prefix for a slow-down by the latency guard (it keeps going, slower). */
  static final String LATENCY = "latency: ";
  /** The activity's prefix while the guard samples its baseline (the step not started yet). */
  static final String GUARD = "latency guard: ";

  /**
   * @param p the last progress read from the control row
   * @param control the control row as the run last wrote it
   * @param rowsExact whether the plan's row count was counted (else the total is an estimate)
   * @param latencyBudget the request's latency budget (ISO-8601), or null: no guard
   */
  static StepProgress of(BackfillProgress p, BackfillControl control, boolean rowsExact,
      String latencyBudget) {
    if (p.guard() != null) {
      return guarded(p, control, rowsExact);
    }
    String throttle = p.throttle();
    boolean paused = throttle != null && !throttle.startsWith(LATENCY);
    String state = throttle == null ? "running"
        : paused ? "paused: " + throttle
        : "running, slowed: " + throttle;
    List<String> details = new ArrayList<>();
    details.add("Batch size: " + StepProgress.count(p.batchSize()) + " rows"
        + (control != null && control.batchSize() != null ? " (pinned by set-batch)"
            : " (adaptive)"));
    if (latencyBudget != null) {
      long budget = Duration.parse(latencyBudget).toMillis();
      details.add("Latency guard: budget " + budget + " ms, " + (throttle != null
          && throttle.startsWith(LATENCY) ? "slowing the backfill (" + throttle + ")"
              : "within budget"));
    }
    if (p.attempts() > 1) {
      details.add("Attempts: " + p.attempts() + " (resumed at " + StepProgress.count(
          p.resumedFrom()) + " rows)");
    }
    return new StepProgress(p.rowsDone(), p.rowsTotal(), !rowsExact, "rows",
        Math.round(p.rowsPerSecond()), paused ? null : p.etaSeconds(), state, details,
        toSeconds(p.at()));
  }

  /**
   * Progress that carries the latency guard's state: the guard's lines ({@link GuardTexts})
   * instead of a line made from the request's budget. Paused (an operator's throttle, replica
   * lag): no ETA; slowed by the guard: the ETA at the rate it allows now.
   */
  private static StepProgress guarded(BackfillProgress p, BackfillControl control,
      boolean rowsExact) {
    String throttle = p.throttle();
    boolean paused = throttle != null && !throttle.startsWith(LATENCY)
        && !throttle.startsWith(GUARD);
    String state = paused ? "paused: " + throttle : GuardTexts.state(p.guard());
    List<String> details = new ArrayList<>(GuardTexts.lines(p.guard(), control));
    details.add("Batch size: " + StepProgress.count(p.batchSize()) + " rows"
        + (control != null && control.batchSize() != null ? " (pinned by set-batch)"
            : " (adaptive)"));
    if (p.attempts() > 1) {
      details.add("Attempts: " + p.attempts() + " (resumed at " + StepProgress.count(
          p.resumedFrom()) + " rows, the guard's baseline kept)");
    }
    return new StepProgress(p.rowsDone(), p.rowsTotal(), !rowsExact, "rows",
        Math.round(p.rowsPerSecond()), paused ? null : p.etaSeconds(), state, details,
        toSeconds(p.at()));
  }

  /** {@code 2026-12-07T21:20:36Z}: the activity's clock, to the second. */
  static String toSeconds(String at) {
    try {
      return at == null ? null : Instant.parse(at).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return at;
    }
  }
}
