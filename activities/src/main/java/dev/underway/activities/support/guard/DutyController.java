package dev.underway.activities.support.guard;

import dev.underway.guard.GuardState;

/**
 * The guard's decision, pure (no thread, no clock): from the duty cycle now, the foreground's
 * p99 and the budget, the next duty cycle and mode. Additive increase while the p99 is well
 * under the budget, multiplicative decrease while it is over (as TCP's congestion window and
 * gh-ost's nice-ratio): a step that hurts backs off fast and comes back slowly. Between the two
 * (the p99 over the baseline by more than {@code band} of the headroom the budget leaves, not
 * over the budget) it holds: the hysteresis that keeps it from flapping around the budget. A
 * decrease ({@code decrease} > {@code band}) lands in that band, not under it, when the step's
 * harm is proportional to its duty. Never below {@code minDuty}: the step keeps a minimum rate, and
 * the mode says {@link GuardState#FLOOR}.
 *
 * <p>The caller decides when a reading is fresh enough to act on (the guard waits for enough new
 * samples after each change, so one slow stretch is not punished twice).
 *
 * @param minDuty the lowest duty cycle (0 < minDuty <= 1)
 * @param increase added to the duty cycle per decision under the band
 * @param decrease the duty cycle's factor per decision over the budget (0 < decrease < 1)
 * @param band the fraction of the headroom (budget minus baseline) the p99 may use for the duty
 *     cycle to rise
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

  /** The guard's own: floor 5%, +5% per decision, x0.6 when over, rise in half the headroom. */
  public static DutyController standard() {
    return new DutyController(MIN_DUTY, 0.05, 0.6, 0.5);
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
   * The next step from {@code duty} for a foreground p99 of {@code p99Ms} against {@code
   * budgetMs}, the foreground's baseline p99 being {@code baselineMs} (0 when unknown).
   */
  public Step next(double duty, double p99Ms, double budgetMs, double baselineMs) {
    double now = clamp(duty);
    if (p99Ms > budgetMs) {
      double lower = clamp(now * decrease);
      return new Step(lower, mode(lower), Verdict.OVER);
    }
    double base = baselineMs > 0 && baselineMs < budgetMs ? baselineMs : 0;
    if (p99Ms <= base + (budgetMs - base) * band) {
      double higher = clamp(now + increase);
      return new Step(higher, mode(higher), Verdict.UNDER);
    }
    return new Step(now, mode(now), Verdict.BAND);
  }

  /**
   * The mode of a duty cycle: {@link GuardState#FREE} at full duty, {@link GuardState#FLOOR} at
   * the lowest, {@link GuardState#SLOWED} between (climbing back included).
   */
  public String mode(double duty) {
    return duty >= 1.0 ? GuardState.FREE : atFloor(duty) ? GuardState.FLOOR : GuardState.SLOWED;
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
