package dev.underway.activities.support.guard;

import dev.underway.guard.GuardState;

/**
 * The guard's decision, pure (no thread, no clock): from the duty cycle now, the foreground's
 * p99 and the budget, the next duty cycle and mode. Additive increase while the p99 is well
 * under the budget, multiplicative decrease while it is over (as TCP's congestion window and
 * gh-ost's nice-ratio): a step that hurts backs off fast and comes back slowly. Between the two
 * (over {@code band} x budget, not over the budget) it holds: the hysteresis that keeps it from
 * flapping around the budget. Never below {@code minDuty}: the step keeps a minimum rate, and
 * the mode says {@link GuardState#FLOOR}.
 *
 * <p>The caller decides when a reading is fresh enough to act on (the guard waits for enough new
 * samples after each change, so one slow stretch is not punished twice).
 *
 * @param minDuty the lowest duty cycle (0 < minDuty <= 1)
 * @param increase added to the duty cycle per decision under the band
 * @param decrease the duty cycle's factor per decision over the budget (0 < decrease < 1)
 * @param band the fraction of the budget the p99 must be under for the duty cycle to rise
 */
public record DutyController(double minDuty, double increase, double decrease, double band) {

  /** The guard's lowest duty cycle: at it the step still works 5% of the time. */
  public static final double MIN_DUTY = 0.05;

  public DutyController {
    if (!(minDuty > 0 && minDuty <= 1) || !(increase > 0) || !(decrease > 0 && decrease < 1)
        || !(band > 0 && band <= 1)) {
      throw new IllegalArgumentException("duty controller needs 0 < minDuty <= 1, increase > 0,"
          + " 0 < decrease < 1 and 0 < band <= 1");
    }
  }

  /** The guard's own: floor 5%, +5% per decision, x0.6 when over, rise under 90% of budget. */
  public static DutyController standard() {
    return new DutyController(MIN_DUTY, 0.05, 0.6, 0.9);
  }

  /** Where a reading stands against the budget. */
  public enum Verdict { OVER, BAND, UNDER }

  /** The decision: the next duty cycle, its mode, and why. */
  public record Step(double duty, String mode, Verdict verdict) {
    /** Whether the duty cycle moved. */
    public boolean changed(double before) {
      return Double.compare(before, duty) != 0;
    }
  }

  /**
   * The next step from {@code duty} (in mode {@code mode}) for a foreground p99 of {@code
   * p99Ms} against {@code budgetMs}.
   */
  public Step next(double duty, String mode, double p99Ms, double budgetMs) {
    double now = clamp(duty);
    if (p99Ms > budgetMs) {
      double lower = clamp(now * decrease);
      return new Step(lower, atFloor(lower) ? GuardState.FLOOR : GuardState.SLOWED,
          Verdict.OVER);
    }
    if (p99Ms <= budgetMs * band) {
      return new Step(clamp(now + increase), GuardState.FREE, Verdict.UNDER);
    }
    boolean settled = GuardState.SLOWED.equals(mode) || GuardState.FLOOR.equals(mode);
    return new Step(now, settled ? mode : GuardState.FREE, Verdict.BAND);
  }

  /** Whether {@code duty} is the lowest. */
  public boolean atFloor(double duty) {
    return duty <= minDuty + 1e-9;
  }

  private double clamp(double duty) {
    if (Double.isNaN(duty)) {
      return minDuty;
    }
    double d = Math.max(minDuty, Math.min(1.0, duty));
    // keep additive steps on a clean grid (0.05 + 0.05 ... reaches 1.0 exactly)
    return Math.round(d * 1e6) / 1e6;
  }
}
