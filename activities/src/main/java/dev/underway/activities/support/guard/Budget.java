package dev.underway.activities.support.guard;

import java.util.Locale;

/**
 * The p99 the guard holds the foreground under, and the sentence that compares a reading with
 * it: {@code ratio} x the baseline p99, never under {@code floorMs}; or the operator's absolute
 * budget when one is set. Pure.
 *
 * @param baselineMs the baseline p99 (null: none taken; the floor is the budget)
 * @param ratio the ratio in force (null under an absolute budget)
 * @param absoluteMs the absolute budget (null: the ratio decides)
 * @param floorMs the lowest budget
 */
record Budget(Double baselineMs, Double ratio, Double absoluteMs, double floorMs) {

  /** The budget in milliseconds. */
  double ms() {
    if (absoluteMs != null) {
      return absoluteMs;
    }
    if (baselineMs == null || ratio == null) {
      return floorMs;
    }
    return Math.max(floorMs, ratio * baselineMs);
  }

  /** Whether the floor, not the ratio, sets the budget. */
  boolean floorBinds() {
    return absoluteMs == null
        && (baselineMs == null || ratio == null || ratio * baselineMs < floorMs);
  }

  /**
   * One sentence comparing {@code p99Ms} with the budget, e.g. {@code "p99 4.1 ms = 1.52x
   * baseline 2.7 ms > 1.25x"}.
   */
  String judge(double p99Ms) {
    boolean over = p99Ms > ms();
    String sign = over ? ">" : "<=";
    if (absoluteMs != null) {
      return f("p99 %.1f ms %s budget %.1f ms", p99Ms, sign, absoluteMs);
    }
    if (baselineMs == null || ratio == null) {
      return f("p99 %.1f ms %s floor %.1f ms (no baseline)", p99Ms, sign, floorMs);
    }
    if (floorBinds()) {
      return f("p99 %.1f ms %s floor %.1f ms (%.2fx baseline %.1f ms is below it)", p99Ms,
          sign, floorMs, ratio, baselineMs);
    }
    return f("p99 %.1f ms = %.2fx baseline %.1f ms %s %.2fx", p99Ms,
        baselineMs <= 0 ? 0 : p99Ms / baselineMs, baselineMs, sign, ratio);
  }

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
